import pg from 'pg';
import type { CpuMeter } from '../support/cpu-meter.js';
import { cannon, type HistoryRun } from './history.js';

export interface ListScalingResult {
  conversations: number;
  // Messages each conversation held when the list was first read, and the unread user messages added before the second.
  messagesPerConversation: number;
  unreadAddedPerConversation: number;
  seedSeconds: number;
  unreadSeedSeconds: number;
  // Rows this phase wrote into chat_message (not sent by the bench, so the storage check leaves them out).
  seededMessages: number;
  fewUnread: HistoryRun;
  manyUnread: HistoryRun;
  // manyUnread req/s over fewUnread req/s.
  requestsRatio: number;
}

const MESSAGES_PER_CONVERSATION = 3;
// Rows per insert statement of the unread messages: bounded transactions, and progress between them.
const UNREAD_ROWS_PER_STATEMENT = 100_000;
const PATH = '/chat/conversations';

// Users and their conversations, each with a few messages (user, admin, user; the last unread), written straight into the bench
// database as a bulk import would. They become the newest conversations, so the admin's first page is theirs.
// Returns the ids of the new conversations.
async function seedConversations(client: pg.Client, runId: string, count: number): Promise<{ first: number; last: number }> {
  await client.query('begin');
  try {
    await client.query(
      `insert into users (email, name, role)
       select 'list-' || $1 || '-' || g || '@bench.example', 'List User ' || g, 'USER' from generate_series(1, $2::int) g`,
      [runId, count],
    );
    const span = await client.query<{ first: number; last: number }>(
      `with base as (select coalesce(max(last_message_at), now()) + interval '1 second' as at from chat_conversation),
       created as (
         insert into chat_conversation (user_id, status, last_seq, last_message_at, created_at, updated_at)
         select u.id, 'ACTIVE', ${MESSAGES_PER_CONVERSATION}, base.at + make_interval(secs => row_number() over (order by u.id) / 1000.0),
                base.at, base.at
           from users u, base where u.email like 'list-' || $1 || '-%@bench.example'
         returning id)
       select min(id)::int as first, max(id)::int as last from created`,
      [runId],
    );
    const { first, last } = span.rows[0] ?? { first: 0, last: -1 };
    // The last one (the user's) is left unread; the counters are then counted from the rows, as migration 0006 does.
    await client.query(
      `insert into chat_message (conversation_id, sender_id, content, seq, is_read, read_at, created_at)
       select c.id, case when s % 2 = 1 then c.user_id else (select min(id) from users where role = 'ADMIN') end,
              'seeded message ' || s, s, s < ${MESSAGES_PER_CONVERSATION}, case when s < ${MESSAGES_PER_CONVERSATION} then c.last_message_at end,
              c.last_message_at - make_interval(secs => ${MESSAGES_PER_CONVERSATION} - s)
         from chat_conversation c cross join generate_series(1, ${MESSAGES_PER_CONVERSATION}) s
        where c.id between $1 and $2`,
      [first, last],
    );
    await client.query(
      `update chat_conversation c set
         unread_by_admins = (select count(*) from chat_message m where m.conversation_id = c.id and not m.is_read and m.sender_id = c.user_id),
         unread_by_user = (select count(*) from chat_message m
                            where m.conversation_id = c.id and not m.is_read and m.sender_id <> c.user_id and not m.is_private)
       where c.id between $1 and $2`,
      [first, last],
    );
    await client.query('commit');
    return { first, last };
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
}

// `perConversation` unread messages from each conversation's user, with the counters and last_seq the append would
// have left (unread_by_admins + n), one bounded statement per slice of conversations.
async function addUnread(
  client: pg.Client,
  span: { first: number; last: number },
  perConversation: number,
  deadline: number,
): Promise<void> {
  const slice = Math.max(1, Math.floor(UNREAD_ROWS_PER_STATEMENT / perConversation));
  for (let from = span.first; from <= span.last; from += slice) {
    if (Date.now() > deadline) {
      throw new Error(`list-scaling: adding unread messages ran out of its time budget at conversation ${from}`);
    }
    const to = Math.min(span.last, from + slice - 1);
    await client.query(
      `with target as (select id, user_id, last_seq, last_message_at from chat_conversation where id between $1 and $2 for update),
       added as (
         insert into chat_message (conversation_id, sender_id, content, seq, created_at)
         select t.id, t.user_id, 'unread message ' || k, t.last_seq + k, t.last_message_at from target t cross join generate_series(1, $3::int) k)
       update chat_conversation c set last_seq = c.last_seq + $3::int, unread_by_admins = c.unread_by_admins + $3::int
         from target t where c.id = t.id`,
      [from, to, perConversation],
    );
  }
  await settle(client);
}

// What autovacuum does to a table that grew, done now: statistics for the planner, and hint bits and the visibility
// map set, so neither measurement pays for the other's bulk writes (or races autovacuum doing it).
async function settle(client: pg.Client): Promise<void> {
  await client.query('vacuum (analyze) users, chat_conversation, chat_message');
}

// The admin's conversation list over many conversations, read with few and then with many unread messages in each:
// its cost should not depend on the unread count.
export async function runListScalingPhase(input: {
  baseUrl: string;
  databaseUrl: string;
  adminToken: string;
  runId: string;
  conversations: number;
  unreadPerConversation: number;
  seconds: number;
  deadline: number;
  cpu: CpuMeter;
  log: (line: string) => void;
}): Promise<ListScalingResult> {
  const client = new pg.Client({ connectionString: input.databaseUrl });
  await client.connect();
  try {
    const seedStarted = performance.now();
    const span = await seedConversations(client, input.runId, input.conversations);
    await settle(client);
    const seedSeconds = Math.round((performance.now() - seedStarted) / 100) / 10;
    input.log(`  seeded ${input.conversations} conversations in ${seedSeconds} s`);
    const read = (name: string) =>
      cannon({ name, baseUrl: input.baseUrl, token: input.adminToken, seconds: input.seconds, paths: [PATH], cpu: input.cpu });
    const fewUnread = await read(`GET ${PATH} (${input.conversations} conversations)`);

    const unreadStarted = performance.now();
    await addUnread(client, span, input.unreadPerConversation, input.deadline);
    const unreadSeedSeconds = Math.round((performance.now() - unreadStarted) / 100) / 10;
    input.log(`  added ${input.unreadPerConversation} unread messages to each in ${unreadSeedSeconds} s`);
    const manyUnread = await read(`GET ${PATH} (${input.conversations} conversations × ${input.unreadPerConversation} unread)`);
    return {
      conversations: input.conversations,
      messagesPerConversation: MESSAGES_PER_CONVERSATION,
      unreadAddedPerConversation: input.unreadPerConversation,
      seedSeconds,
      unreadSeedSeconds,
      seededMessages: input.conversations * (MESSAGES_PER_CONVERSATION + input.unreadPerConversation),
      fewUnread,
      manyUnread,
      requestsRatio:
        fewUnread.requestsPerSecond > 0 ? Math.round((manyUnread.requestsPerSecond / fewUnread.requestsPerSecond) * 100) / 100 : 0,
    };
  } finally {
    await client.end();
  }
}
