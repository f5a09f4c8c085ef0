import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeadlineBuckets } from '../src/gateway/deadline-buckets.js';

describe('deadline buckets (one timer for every socket deadline)', () => {
  it('never hands out an item before its deadline, and hands it out at the end of its second', () => {
    const buckets = new DeadlineBuckets<string>();
    buckets.add('a', 10_200);
    assert.deepEqual(buckets.takeDue(10_200), []);
    assert.deepEqual(buckets.takeDue(10_999), []);
    assert.deepEqual(buckets.takeDue(11_000), ['a']);
    assert.deepEqual(buckets.takeDue(20_000), [], 'an item is handed out once');
  });

  it('hands out every overdue item in one sweep, including deadlines already past when added', () => {
    const buckets = new DeadlineBuckets<string>();
    buckets.add('past', 1_000);
    buckets.add('soon', 5_000);
    buckets.add('later', 9_500);
    assert.deepEqual(buckets.takeDue(6_000).sort(), ['past', 'soon']);
    assert.equal(buckets.size, 1);
  });

  it('forgets a removed item: a socket that disconnects or re-authenticates leaves its old bucket', () => {
    const buckets = new DeadlineBuckets<string>();
    const first = buckets.add('socket', 2_000);
    buckets.add('other', 2_000);
    buckets.remove('socket', first);
    const moved = buckets.add('socket', 8_000);
    assert.deepEqual(buckets.takeDue(3_000), ['other']);
    assert.deepEqual(buckets.takeDue(7_000), []);
    buckets.remove('socket', moved);
    buckets.remove('socket', undefined);
    assert.equal(buckets.size, 0);
    assert.deepEqual(buckets.takeDue(60_000), []);
  });
});
