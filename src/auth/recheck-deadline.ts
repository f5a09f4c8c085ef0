// Until when a cached session or account check may be used: a random 50-100 % of the interval, so that the
// sockets that connected together (a deploy, a reconnect wave) do not all recheck together again.
export function recheckDeadline(intervalMs: number, now = Date.now()): number {
  return now + intervalMs * (0.5 + Math.random() / 2);
}

// Rechecks that arrive together (every socket's cached check runs out about when it was first made) go to the
// database as a few statements: at most this many at once, of up to this many sessions or accounts each.
export const RECHECK_LOOKUP_LIMITS = { maxInFlight: 2, maxBatch: 200 };
