import { createHash } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import type { Database } from './database.js';

// Both drivers answer raw statements with `{ rows }`. Raw rows carry numbers, strings and booleans only:
// timestamps are selected as epoch milliseconds so neither driver's date parsing is involved.
export async function rawRows<T>(db: Database, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

// A PostgreSQL array literal ("{1,2,3}") of integers, for a batch sent as one parameter (`unnest($1::int[])`):
// the statement's text stays the same whatever the batch size, and integers need no quoting.
export function intArrayLiteral(values: number[]): string {
  return `{${values.join(',')}}`;
}

// Hot statements are sent as named (prepared) statements: PostgreSQL parses and plans each text once per
// connection instead of on every call (drizzle's execute sends unnamed ones). The name is derived from the text,
// so a statement's variants (e.g. with and without private notes) are prepared separately. Only statements whose
// text takes a bounded number of shapes belong here (no IN lists of varying length): each name stays prepared on
// every pooled connection. PGlite ignores the name.
export async function preparedRows<T>(db: Database, query: SQL): Promise<T[]> {
  const built = dialect.sqlToQuery(query);
  const prepared = db._.session.prepareQuery(built, undefined, statementName(built.sql), false);
  const result = (await prepared.execute()) as { rows: T[] };
  return result.rows;
}

const dialect = new PgDialect();
const MAX_PREPARED_SHAPES = 200;
const statementNames = new Map<string, string>();

// Past the bound (a caller that builds unbounded shapes) statements go unnamed instead of growing every
// connection's prepared set.
function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < MAX_PREPARED_SHAPES) {
    name = `q_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return name;
}

// For ILIKE patterns built from user input: %, _ and \ match themselves.
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (match) => `\\${match}`);
}

// A timestamp column as epoch milliseconds (float8), the form raw rows carry timestamps in.
export const epochMs = (column: string): SQL => sql.raw(`(extract(epoch from ${column}) * 1000)::float8`);
