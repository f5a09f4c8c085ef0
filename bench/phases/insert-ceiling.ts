import pg from 'pg';
import type { CpuMeter, CpuUse } from '../support/cpu-meter.js';
import { type LatencySummary, round, summarise } from '../support/percentiles.js';

export interface InsertCeilingRun {
  name: string;
  clients: number;
  seconds: number;
  rowsPerSecond: number;
  latencyMs: LatencySummary;
  cpu: CpuUse;
}

// Copies of the server's tables (same columns, defaults, checks and indexes, plus the foreign keys), owned by the bench.
const SETUP = `
  drop table if exists bench_message; drop table if exists bench_conversation;
  create table bench_conversation (like chat_conversation including all);
  alter table bench_conversation add foreign key (user_id) references users(id) on delete cascade;
  create table bench_message (like chat_message including all);
  alter table bench_message add foreign key (conversation_id) references bench_conversation(id) on delete cascade;
  alter table bench_message add foreign key (sender_id) references users(id) on delete cascade;`;

// The server's append statement (src/messages/messages.repository.ts), pointed at the copies.
const APPEND_SQL = `
  with old as (select id, status from bench_conversation where id = $1 for update),
  conv as (
    update bench_conversation c
       set last_seq = c.last_seq + 1, last_message_at = now(), updated_at = now(), status = 'ACTIVE'
      from old where c.id = old.id
    returning c.id, c.user_id, c.last_seq, old.status as previous_status
  ),
  m as (
    insert into bench_message (conversation_id, sender_id, content, seq, client_message_id)
    select conv.id, $2, $3, conv.last_seq, $4::uuid from conv
    returning *
  )
  select m.id, m.conversation_id, m.seq, m.sender_id, m.content, m.is_read,
         (extract(epoch from m.created_at) * 1000)::float8 as created_at_ms, m.client_message_id,
         s.name as sender_name, s.role as sender_role, conv.previous_status, conv.user_id as conversation_user_id
    from m join conv on conv.id = m.conversation_id join users s on s.id = m.sender_id`;

const PLAIN_SQL = `insert into bench_message (conversation_id, sender_id, content, seq, client_message_id) values ($1, $2, $3, $4, $5::uuid)`;

const uuidOf = (variant: number, client: number, index: number) =>
  `0000000${variant}-0000-4000-8000-${(client * 1e8 + index).toString(16).padStart(12, '0')}`;

const BATCH = 10;

// The same append for many messages at once: conversations locked in id
// order, last_seq moved by each conversation's count, seq numbered in input order.
const APPEND_BATCH_SQL = `
  with input as (
    select * from unnest($1::int[], $2::int[], $3::text[], $4::uuid[]) with ordinality as t(conversation_id, sender_id, content, client_message_id, ord)
  ),
  counts as (select conversation_id, count(*)::int as n from input group by conversation_id),
  old as (select c.id, c.status from bench_conversation c where c.id in (select conversation_id from counts) order by c.id for update),
  conv as (
    update bench_conversation c
       set last_seq = c.last_seq + counts.n, last_message_at = now(), updated_at = now(), status = 'ACTIVE'
      from old join counts on counts.conversation_id = old.id where c.id = old.id
    returning c.id, c.user_id, c.last_seq, counts.n, old.status as previous_status
  ),
  numbered as (
    select i.*, (conv.last_seq - conv.n + row_number() over (partition by i.conversation_id order by i.ord))::int as seq,
           conv.user_id as conversation_user_id, conv.previous_status
      from input i join conv on conv.id = i.conversation_id
  ),
  m as (
    insert into bench_message (conversation_id, sender_id, content, seq, client_message_id)
    select conversation_id, sender_id, content, seq, client_message_id from numbered order by ord
    returning *
  )
  select m.id, m.conversation_id, m.seq, m.sender_id, m.content, m.is_read,
         (extract(epoch from m.created_at) * 1000)::float8 as created_at_ms, m.client_message_id,
         s.name as sender_name, s.role as sender_role, numbered.ord, numbered.previous_status, numbered.conversation_user_id
    from m join numbered on numbered.conversation_id = m.conversation_id and numbered.seq = m.seq
    join users s on s.id = m.sender_id`;

// Autocommit loops of the same rows the server writes, one per pooled connection, for a fixed time.
export async function runInsertCeiling(input: {
  url: string;
  clients: number;
  conversations: number;
  seconds: number;
  cpu: CpuMeter;
}): Promise<InsertCeilingRun[]> {
  const setup = new pg.Client({ connectionString: input.url });
  await setup.connect();
  let conversations: { id: number; user_id: number }[];
  try {
    await setup.query(SETUP);
    const inserted = await setup.query<{ id: number; user_id: number }>(
      `insert into bench_conversation (user_id) select id from users where role = 'USER' order by id limit $1 returning id, user_id`,
      [input.conversations],
    );
    conversations = inserted.rows;
  } finally {
    await setup.end();
  }
  if (conversations.length === 0) {
    throw new Error('no users to own bench conversations');
  }
  const clients = await Promise.all(
    Array.from({ length: input.clients }, async () => {
      const client = new pg.Client({ connectionString: input.url });
      await client.connect();
      return client;
    }),
  );
  try {
    const reset = async () => {
      await clients[0]?.query('truncate bench_message');
      await clients[0]?.query('update bench_conversation set last_seq = 0');
    };
    const content = (index: number) => `#${index} hello, my order has not arrived yet`;
    // Client k always takes conversations k, k + clients, ...: no two clients wait on one conversation's row lock.
    const conversationFor = (clientIndex: number, index: number) =>
      conversations[(clientIndex + index * clients.length) % conversations.length] as { id: number; user_id: number };
    const nextSeq = new Map<number, number>();
    const plain = await loop('plain INSERT (autocommit)', clients, input, async (client, clientIndex, index) => {
      const conversation = conversationFor(clientIndex, index);
      const seq = (nextSeq.get(conversation.id) ?? 0) + 1;
      nextSeq.set(conversation.id, seq);
      await client.query(PLAIN_SQL, [conversation.id, conversation.user_id, content(index), seq, uuidOf(1, clientIndex, index)]);
      return 1;
    });
    await reset();
    const append = await loop("server's append CTE (autocommit)", clients, input, async (client, clientIndex, index) => {
      const conversation = conversationFor(clientIndex, index);
      await client.query(APPEND_SQL, [conversation.id, conversation.user_id, content(index), uuidOf(2, clientIndex, index)]);
      return 1;
    });
    await reset();
    // The two changes the README proposes, measured on the database alone: a prepared statement, then batches.
    const prepared = await loop('append CTE, prepared', clients, input, async (client, clientIndex, index) => {
      const conversation = conversationFor(clientIndex, index);
      await client.query({
        name: 'bench_append',
        text: APPEND_SQL,
        values: [conversation.id, conversation.user_id, content(index), uuidOf(3, clientIndex, index)],
      });
      return 1;
    });
    await reset();
    const batched = await loop(`append CTE, prepared, ${BATCH} per statement`, clients, input, async (client, clientIndex, index) => {
      const batch = Array.from({ length: BATCH }, (_, offset) => index * BATCH + offset);
      const targets = batch.map((position) => conversationFor(clientIndex, position));
      await client.query({
        name: 'bench_append_batch',
        text: APPEND_BATCH_SQL,
        values: [
          targets.map((conversation) => conversation.id),
          targets.map((conversation) => conversation.user_id),
          batch.map(content),
          batch.map((position) => uuidOf(4, clientIndex, position)),
        ],
      });
      return BATCH;
    });
    return [plain, append, prepared, batched];
  } finally {
    await Promise.all(clients.map((client) => client.end()));
  }
}

async function loop(
  name: string,
  clients: pg.Client[],
  input: { seconds: number; cpu: CpuMeter },
  insert: (client: pg.Client, clientIndex: number, index: number) => Promise<number>,
): Promise<InsertCeilingRun> {
  const latencies: number[] = [];
  let rows = 0;
  const cpuStart = await input.cpu.snapshot();
  const started = performance.now();
  const endAt = started + input.seconds * 1000;
  await Promise.all(
    clients.map(async (client, clientIndex) => {
      for (let index = 0; performance.now() < endAt; index++) {
        const sent = performance.now();
        const inserted = await insert(client, clientIndex, index);
        rows += inserted;
        latencies.push(performance.now() - sent);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const summary = summarise(latencies);
  return {
    name,
    clients: clients.length,
    seconds: round(seconds, 2),
    rowsPerSecond: Math.round(rows / seconds),
    latencyMs: {
      count: summary.count,
      p50: round(summary.p50, 2),
      p95: round(summary.p95, 2),
      p99: round(summary.p99, 2),
      max: round(summary.max, 2),
      mean: round(summary.mean, 2),
    },
    cpu: await input.cpu.since(cpuStart),
  };
}
