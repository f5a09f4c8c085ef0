import { sql, type SQL } from 'drizzle-orm';
import type { Database } from './database.js';

// Both drivers answer raw statements with `{ rows }`. Raw rows carry numbers, strings and booleans only:
// timestamps are selected as epoch milliseconds so neither driver's date parsing is involved.
export async function rawRows<T>(db: Database, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

// For ILIKE patterns built from user input: %, _ and \ match themselves.
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (match) => `\\${match}`);
}

// A timestamp column as epoch milliseconds (float8), the form raw rows carry timestamps in.
export const epochMs = (column: string): SQL => sql.raw(`(extract(epoch from ${column}) * 1000)::float8`);
