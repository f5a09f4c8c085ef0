import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export interface StoredMessage {
  conversationId: number;
  seq: number;
}

export interface StoredCounts {
  rows: number;
  // client_message_id -> how many rows carry it.
  copiesById: Map<string, number>;
  // client_message_id -> where it was stored (the first copy).
  placeById: Map<string, StoredMessage>;
  // Conversations whose seq values are not exactly 1..count.
  conversationsWithSeqGaps: number;
}

const ROWS_SQL = `select client_message_id::text as id, conversation_id, seq from chat_message where client_message_id is not null`;
const TOTAL_SQL = 'select count(*)::int as n from chat_message';
const GAPS_SQL = `select count(*)::int as n from (
  select conversation_id from chat_message group by conversation_id
  having count(*) <> max(seq) or count(distinct seq) <> count(*) or min(seq) <> 1) gaps`;

interface Row {
  id: string;
  conversation_id: number;
  seq: number;
}

function toCounts(total: number, gaps: number, rows: Row[]): StoredCounts {
  const copiesById = new Map<string, number>();
  const placeById = new Map<string, StoredMessage>();
  for (const row of rows) {
    copiesById.set(row.id, (copiesById.get(row.id) ?? 0) + 1);
    if (!placeById.has(row.id)) {
      placeById.set(row.id, { conversationId: row.conversation_id, seq: row.seq });
    }
  }
  return { rows: total, copiesById, placeById, conversationsWithSeqGaps: gaps };
}

export async function countStoredOnPostgres(url: string): Promise<StoredCounts> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const total = (await client.query<{ n: number }>(TOTAL_SQL)).rows[0]?.n ?? 0;
    const gaps = (await client.query<{ n: number }>(GAPS_SQL)).rows[0]?.n ?? 0;
    return toCounts(total, gaps, (await client.query<Row>(ROWS_SQL)).rows);
  } finally {
    await client.end();
  }
}

// PGlite is one process: its directory is opened here only after the server has stopped.
export async function countStoredOnPglite(dataDir: string): Promise<StoredCounts> {
  const client = await PGlite.create(dataDir);
  try {
    const total = (await client.query<{ n: number }>(TOTAL_SQL)).rows[0]?.n ?? 0;
    const gaps = (await client.query<{ n: number }>(GAPS_SQL)).rows[0]?.n ?? 0;
    return toCounts(total, gaps, (await client.query<Row>(ROWS_SQL)).rows);
  } finally {
    await client.close();
  }
}
