import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { selectBatch } from '../src/messages/append-batcher.js';
import { SendOrder } from '../src/messages/send-order.js';

interface Item {
  name: string;
  ownerId: number;
  isBatchable: boolean;
}

const item = (name: string, ownerId: number, isBatchable = true): Item => ({ name, ownerId, isBatchable });
const names = (items: Item[]) => items.map((entry) => entry.name);

describe('group commit: choosing a batch (pure)', () => {
  it('takes every queued item, in arrival order, when no owner is busy', () => {
    const { batch, rest } = selectBatch([item('a1', 1), item('b1', 2), item('a2', 1)], new Set(), 200);
    assert.deepEqual(names(batch), ['a1', 'b1', 'a2']);
    assert.deepEqual(rest, []);
  });

  it('leaves the items of an owner in a batch still in flight for a later batch', () => {
    const { batch, rest } = selectBatch([item('a1', 1), item('b1', 2), item('a2', 1)], new Set([1]), 200);
    assert.deepEqual(names(batch), ['b1']);
    assert.deepEqual(names(rest), ['a1', 'a2']);
  });

  it('holds an owner’s later items behind one that takes the single append', () => {
    const queue = [item('a1', 1), item('a2', 1, false), item('b1', 2), item('a3', 1), item('b2', 2, false), item('b3', 2)];
    const { batch, rest } = selectBatch(queue, new Set(), 200);
    assert.deepEqual(names(batch), ['a1', 'a2', 'b1', 'b2']);
    assert.deepEqual(names(rest), ['a3', 'b3']);
  });

  it('stops at the size cap, and an owner cut by it does not continue past it', () => {
    const { batch, rest } = selectBatch([item('a1', 1), item('b1', 2), item('a2', 1), item('c1', 3)], new Set(), 2);
    assert.deepEqual(names(batch), ['a1', 'b1']);
    assert.deepEqual(names(rest), ['a2', 'c1']);
  });
});

describe('send order per sender (pure)', () => {
  it('runs one sender’s work in the order asked even when an earlier step is slower, and others alongside', async () => {
    const order = new SendOrder();
    const log: string[] = [];
    let releaseSlow: () => void = () => undefined;
    const slow = new Promise<void>((resolve) => {
      releaseSlow = resolve;
    });
    const first = order.inTurn(1, async () => {
      await slow;
      log.push('1a');
    });
    const second = order.inTurn(1, async () => {
      log.push('1b');
    });
    const other = order.inTurn(2, async () => {
      log.push('2a');
    });
    await other;
    assert.deepEqual(log, ['2a']);
    releaseSlow();
    await Promise.all([first, second]);
    assert.deepEqual(log, ['2a', '1a', '1b']);
  });

  it('keeps going after a step that failed, and reports the failure to its caller only', async () => {
    const order = new SendOrder();
    const failed = order.inTurn(1, async () => {
      throw new Error('rate limited');
    });
    const next = order.inTurn(1, async () => 'stored');
    await assert.rejects(failed, /rate limited/);
    assert.equal(await next, 'stored');
  });
});
