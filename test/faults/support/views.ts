import type pg from 'pg';
import type { ChatClient } from './chat-client.js';
import { waitUntil } from './processes.js';

// A chat_message row, as the clients' views are compared with it.
export interface StoredMessage {
  id: number;
  conversationId: number;
  seq: number;
  senderId: number;
  content: string;
  clientMessageId: string | null;
}

interface StoredRow {
  id: number;
  conversation_id: number;
  seq: number;
  sender_id: number;
  content: string;
  client_message_id: string | null;
}

// Every message the account may see (admins: all; users: their conversations), in conversation and seq order.
export async function storedMessages(db: pg.Pool, account?: { id: number; role: 'USER' | 'ADMIN' }): Promise<StoredMessage[]> {
  const userId = account?.role === 'USER' ? account.id : null;
  const { rows } = await db.query<StoredRow>(
    `select m.id, m.conversation_id, m.seq, m.sender_id, m.content, m.client_message_id
       from chat_message m join chat_conversation c on c.id = m.conversation_id
      where $1::int is null or c.user_id = $1::int
      order by m.conversation_id, m.seq`,
    [userId],
  );
  return rows.map((row) => ({
    id: row.id,
    conversationId: row.conversation_id,
    seq: row.seq,
    senderId: row.sender_id,
    content: row.content,
    clientMessageId: row.client_message_id,
  }));
}

// The database's own invariants: seq runs 1..last_seq without gap or repeat, one row per (sender, clientMessageId).
export async function integrityProblems(db: pg.Pool): Promise<string[]> {
  const problems: string[] = [];
  const conversations = await db.query<{
    id: number;
    last_seq: number;
    count: number;
    distinct_seqs: number;
    min_seq: number | null;
    max_seq: number | null;
  }>(
    `select c.id, c.last_seq, count(m.id)::int as count, count(distinct m.seq)::int as distinct_seqs, min(m.seq) as min_seq, max(m.seq) as max_seq
       from chat_conversation c left join chat_message m on m.conversation_id = c.id
      group by c.id order by c.id`,
  );
  for (const row of conversations.rows) {
    const isContiguous =
      row.count === row.distinct_seqs &&
      row.count === row.last_seq &&
      (row.count === 0 || (row.min_seq === 1 && row.max_seq === row.last_seq));
    if (!isContiguous) {
      problems.push(
        `conversation ${row.id}: last_seq=${row.last_seq} but ${row.count} rows, ${row.distinct_seqs} distinct seqs, seq ${row.min_seq ?? '-'}..${row.max_seq ?? '-'}`,
      );
    }
  }
  const duplicates = await db.query<{ sender_id: number; client_message_id: string; count: number }>(
    `select sender_id, client_message_id, count(*)::int as count from chat_message
      where client_message_id is not null group by 1, 2 having count(*) > 1`,
  );
  for (const row of duplicates.rows) {
    problems.push(`sender ${row.sender_id} clientMessageId ${row.client_message_id} stored ${row.count} times`);
  }
  return problems;
}

const key = (message: { conversationId: number; seq: number; id: number }) => `c${message.conversationId}#${message.seq}=m${message.id}`;

// How a client's view (deduplicated by id, in seq order) differs from what the database says it may see.
export function viewDifferences(client: ChatClient, expected: StoredMessage[]): string[] {
  const held = client.view();
  const heldKeys = new Set(held.map(key));
  const expectedKeys = new Set(expected.map(key));
  const missing = expected.filter((message) => !heldKeys.has(key(message)));
  const extra = held.filter((message) => !expectedKeys.has(key(message)));
  const problems: string[] = [];
  if (missing.length > 0) {
    problems.push(
      `${client.name} misses ${missing.length} of ${expected.length} stored messages: ${missing.slice(0, 8).map(key).join(', ')}${missing.length > 8 ? ', ...' : ''}`,
    );
  }
  if (extra.length > 0) {
    problems.push(
      `${client.name} holds ${extra.length} messages the database does not have for it: ${extra.slice(0, 8).map(key).join(', ')}`,
    );
  }
  return problems;
}

// Every acknowledged send is stored, once, as the message its ack named.
export function acknowledgedProblems(
  client: ChatClient,
  storedById: Map<number, StoredMessage>,
  storedByClientId: Map<string, StoredMessage[]>,
): string[] {
  const problems: string[] = [];
  for (const [clientMessageId, message] of client.acked) {
    const row = storedById.get(message.id);
    if (!row) {
      problems.push(`${client.name}: acknowledged message ${message.id} (${clientMessageId}) is not in the database`);
    } else if (
      row.content !== message.content ||
      row.senderId !== client.account.id ||
      row.seq !== message.seq ||
      row.clientMessageId !== clientMessageId
    ) {
      problems.push(`${client.name}: acknowledged message ${message.id} differs from its row (seq ${message.seq} vs ${row.seq})`);
    }
    const rows = storedByClientId.get(`${client.account.id}/${clientMessageId}`) ?? [];
    if (rows.length !== 1) {
      problems.push(`${client.name}: clientMessageId ${clientMessageId} has ${rows.length} rows`);
    }
  }
  return problems;
}

// For clients whose connection never dropped: every message the senders stored that they may see arrived
// as a live event (a retried send is published again, so even a crash between commit and publish reaches them).
export async function liveDeliveryProblems(db: pg.Pool, clients: ChatClient[], senders: ChatClient[]): Promise<string[]> {
  const problems: string[] = [];
  const sentIds = new Set(senders.flatMap((sender) => [...sender.sentIds]));
  for (const client of clients) {
    if (client.seen.disconnects > 0) {
      problems.push(`${client.name} was expected to stay connected but lost its connection ${client.seen.disconnects} time(s)`);
    }
    const missed = (await storedMessages(db, client.account)).filter(
      (message) => message.clientMessageId !== null && sentIds.has(message.clientMessageId) && !client.liveIds.has(message.id),
    );
    if (missed.length > 0) {
      problems.push(
        `${client.name} (never disconnected) got ${missed.length} stored messages only by sync or not at all: ${missed.slice(0, 8).map(key).join(', ')}`,
      );
    }
  }
  return problems;
}

export interface Verdict {
  problems: string[];
  stored: number;
  held: Map<ChatClient, { held: number; expected: number }>;
}

// Compares every client with the database: acknowledged sends stored once, views equal to the
// database's, no anomaly seen by a client, database invariants. `settleMs` lets live events in flight
// arrive first: it re-checks until the views match or the time is up, and never syncs on their behalf.
export async function verify(db: pg.Pool, clients: ChatClient[], options: { settleMs: number }): Promise<Verdict> {
  const expectedFor = async (client: ChatClient) => storedMessages(db, client.account);
  const matches = async () => {
    for (const client of clients) {
      if (viewDifferences(client, await expectedFor(client)).length > 0) {
        return false;
      }
    }
    return true;
  };
  await waitUntil(matches, { timeoutMs: options.settleMs, what: 'client views to match the database', intervalMs: 200 }).catch(
    () => undefined,
  );

  const all = await storedMessages(db);
  const storedById = new Map(all.map((message) => [message.id, message]));
  const storedByClientId = new Map<string, StoredMessage[]>();
  for (const message of all) {
    if (message.clientMessageId) {
      const id = `${message.senderId}/${message.clientMessageId}`;
      storedByClientId.set(id, [...(storedByClientId.get(id) ?? []), message]);
    }
  }
  const problems = [...(await integrityProblems(db))];
  const held = new Map<ChatClient, { held: number; expected: number }>();
  for (const client of clients) {
    const expected = await expectedFor(client);
    problems.push(...client.anomalies, ...acknowledgedProblems(client, storedById, storedByClientId), ...viewDifferences(client, expected));
    held.set(client, { held: client.messages.size, expected: expected.length });
  }
  // Rows of this test's own sends: earlier tests on the same database are not counted.
  const sentIds = new Set(clients.flatMap((client) => [...client.sentIds]));
  const stored = all.filter((message) => message.clientMessageId !== null && sentIds.has(message.clientMessageId)).length;
  return { problems, stored, held };
}

// Labels whose counts line is out, so a failure after the verdict does not print a second one.
export const printedCounts = new Set<string>();

// The line the issue asks every fault test to print, then who holds what.
export function printCounts(label: string, clients: ChatClient[], verdict: Verdict, receivers: ChatClient[] = []): void {
  printedCounts.add(label);
  const sent = clients.reduce((sum, client) => sum + client.sentIds.size, 0);
  const acknowledged = clients.reduce((sum, client) => sum + client.acked.size, 0);
  const totals = [...verdict.held.values()].reduce(
    (sum, entry) => ({ held: sum.held + entry.held, expected: sum.expected + entry.expected }),
    { held: 0, expected: 0 },
  );
  console.log(
    `[${label}] sent=${sent} acknowledged=${acknowledged} stored=${verdict.stored} received=${totals.held} ` +
      `(expected ${totals.expected} over ${clients.length} clients; live events ${clients.reduce((sum, client) => sum + client.liveEvents, 0)})`,
  );
  for (const client of receivers) {
    const entry = verdict.held.get(client);
    console.log(
      `[${label}]   ${client.name}: received=${entry?.held ?? 0}/${entry?.expected ?? 0} live=${client.liveIds.size} synced=${client.syncedIds.size} ` +
        `reconnects=${Math.max(0, client.seen.connects - 1)} syncRequired=${client.seen.syncRequired}`,
    );
  }
}

// How many of these sends were already stored at `at`: a retry of one of them must have been answered
// with the first row, which is how a test shows the retry path was really taken.
export async function storedBefore(db: pg.Pool, clientMessageIds: string[], at: number): Promise<number> {
  const { rows } = await db.query<{ count: number }>(
    'select count(*)::int as count from chat_message where client_message_id = any($1::uuid[]) and created_at < to_timestamp($2 / 1000.0)',
    [clientMessageIds, at],
  );
  return rows[0]?.count ?? 0;
}
