import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDatabaseUnavailable, isUniqueViolation } from '../src/database/database-errors.js';

const wrapped = (cause: unknown) => Object.assign(new Error('Failed query: insert into ...'), { cause });

describe('database error classification', () => {
  const unavailable: [string, unknown][] = [
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['an admin shutdown (57P01) under drizzle', wrapped(Object.assign(new Error('terminating connection'), { code: '57P01' }))],
    ['a connection class error (08006)', Object.assign(new Error('x'), { code: '08006' })],
    ['a connection lost mid-query, without a code, under drizzle', wrapped(new Error('Connection terminated unexpectedly'))],
    ['a pool connect timeout', new Error('timeout exceeded when trying to connect')],
  ];
  for (const [label, error] of unavailable) {
    it(`reads ${label} as unavailable`, () => assert.equal(isDatabaseUnavailable(error), true));
  }

  it('does not read a unique violation or a plain bug as unavailable', () => {
    assert.equal(isDatabaseUnavailable(wrapped(Object.assign(new Error('duplicate key'), { code: '23505' }))), false);
    assert.equal(isDatabaseUnavailable(new TypeError('x is undefined')), false);
  });

  it('finds a unique violation by constraint through the wrapper', () => {
    const error = wrapped(Object.assign(new Error('duplicate key'), { code: '23505', constraint: 'users_email_lower_key' }));
    assert.equal(isUniqueViolation(error, 'users_email_lower_key'), true);
    assert.equal(isUniqueViolation(error, 'other'), false);
  });
});
