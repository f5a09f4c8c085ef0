// PostgreSQL SQLSTATE codes and driver errors we act on.
interface ErrorWithCode {
  code?: unknown;
  constraint?: unknown;
  cause?: unknown;
}

function pgError(error: unknown): ErrorWithCode | undefined {
  // drizzle wraps driver errors in DrizzleQueryError with the original as `cause`.
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth += 1) {
    const candidate = current as ErrorWithCode;
    if (typeof candidate.code === 'string') {
      return candidate;
    }
    current = candidate.cause;
  }
  return undefined;
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const found = pgError(error);
  return found?.code === '23505' && (constraint === undefined || found.constraint === constraint);
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

// The database is down, restarting or out of connections: the request may succeed later.
export function isDatabaseUnavailable(error: unknown): boolean {
  const found = pgError(error);
  if (found && typeof found.code === 'string') {
    return UNAVAILABLE_CODES.has(found.code) || found.code.startsWith('08');
  }
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(message);
}
