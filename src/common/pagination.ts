import { z } from 'zod';
import { DomainError, ErrorCode } from './errors.js';
import { MAX_ID } from '../contract/common.js';

// Lists answer JSON arrays (the seed's client reads them so); the next page travels in a Link header, as GitHub's API does.
export function nextLink(path: string, query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) {
      params.set(key, String(value));
    }
  }
  return `<${path}?${params.toString()}>; rel="next"`;
}

// Bounded like every input: the latest date JavaScript (and PostgreSQL's timestamptz) can hold, and an int4 id.
const MAX_TIME_MS = 8_640_000_000_000_000;
const cursorSchema = z.tuple([z.number().int().nonnegative().max(MAX_TIME_MS), z.number().int().positive().max(MAX_ID)]);

// Keyset cursor over (timestamp, id), opaque to clients.
export function encodeCursor(at: Date, id: number): string {
  return Buffer.from(JSON.stringify([at.getTime(), id])).toString('base64url');
}

export function decodeCursor(cursor: string): { at: Date; id: number } {
  try {
    const [at, id] = cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return { at: new Date(at), id };
  } catch {
    throw new DomainError(ErrorCode.VALIDATION, 'Invalid query string: cursor: not a cursor this server gave out', {
      issues: [{ path: 'cursor', message: 'not a cursor this server gave out' }],
    });
  }
}
