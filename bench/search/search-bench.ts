import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { hashPassword } from '../../src/users/passwords.js';
import { openDatabase } from '../../src/database/database.js';
import { BenchDatabase } from '../support/bench-database.js';
import { startChatServer } from '../support/chat-server.js';
import { type ChildServer, killAllChildren } from '../support/child-server.js';
import { type LatencySummary, round, summarise } from '../support/percentiles.js';

// `npm run bench:search`: message search over a large stored history on PostgreSQL, through the real API.
const REPO_DIR = resolve(import.meta.dirname, '../../..');
const RESULTS_DIR = join(REPO_DIR, 'bench/results');
const USERS = 1_000;
const BATCH = 100_000;
const PASSWORD = 'bench-password';
const TARGET_P95_MS = 50;

// Word frequencies like a support inbox: a few very common words, a long tail of rare ones.
const COMMON = ['the', 'my', 'please', 'help', 'account', 'order', 'thanks', 'hello', 'issue', 'problem'];
const TOPICS = ['invoice', 'refund', 'password', 'login', 'billing', 'shipping', 'delivery', 'subscription', 'discount', 'crash'];
const SYLLABLES = ['ka', 'lo', 'mi', 'ren', 'tus', 'vo', 'zer', 'pa', 'qui', 'dan', 'fel', 'gor', 'hu', 'jin', 'ni', 'ost'];

function vocabulary(): string[] {
  const rare: string[] = [];
  for (const a of SYLLABLES) {
    for (const b of SYLLABLES) {
      for (const c of SYLLABLES) {
        rare.push(`${a}${b}${c}`);
      }
    }
  }
  // Common words are repeated so random picks favour them.
  return [...Array<string[]>(40).fill(COMMON).flat(), ...Array<string[]>(8).fill(TOPICS).flat(), ...rare];
}

const QUERIES: { label: string; q: string }[] = [
  { label: 'common word', q: 'account' },
  { label: 'topic word', q: 'refund' },
  { label: 'rare word', q: 'kalomi' },
  { label: 'two words', q: 'invoice shipping' },
  { label: 'phrase', q: '"please help"' },
  { label: 'exclusion', q: 'billing -crash' },
];

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function seed(url: string, messages: number): Promise<void> {
  const migrated = await openDatabase({ kind: 'postgres', url, poolSize: 2 }, { migrate: true });
  await migrated.close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const hash = await hashPassword(PASSWORD);
    await client.query(`insert into users (email, name, role, password_hash) values ('admin@bench.example', 'Bench Admin', 'ADMIN', $1)`, [
      hash,
    ]);
    await client.query(
      `insert into users (email, name, role, password_hash)
       select 'user' || g || '@bench.example', 'Bench User ' || g, 'USER', $1 from generate_series(1, ${USERS}) g`,
      [hash],
    );
    await client.query(`insert into chat_conversation (user_id, status) select id, 'ACTIVE' from users where role = 'USER' order by id`);
    // The GIN index is built once after loading, as one would for a bulk import.
    await client.query('drop index if exists chat_message_search_idx');
    const words = vocabulary();
    const started = performance.now();
    for (let offset = 0; offset < messages; offset += BATCH) {
      const count = Math.min(BATCH, messages - offset);
      await client.query(
        `insert into chat_message (conversation_id, sender_id, content, seq, is_read, created_at)
         select c.id, case when g % 2 = 0 then c.user_id else 1 end,
                (select string_agg(($1::text[])[1 + floor(random() * array_length($1::text[], 1))::int], ' ')
                   from generate_series(1, 6 + (g % 14)) w where g >= 0),
                1 + (g / ${USERS}), true, now() - make_interval(secs => ${messages} - g)
           from generate_series(${offset}, ${offset + count - 1}) g
           join chat_conversation c on c.id = 1 + (g % ${USERS})`,
        [words],
      );
      log(`seeded ${offset + count} / ${messages} messages (${Math.round((performance.now() - started) / 1000)} s)`);
    }
    await client.query(`update chat_conversation c set last_seq = s.max_seq, last_message_at = now()
      from (select conversation_id, max(seq) as max_seq from chat_message group by conversation_id) s where s.conversation_id = c.id`);
    log('building the search index');
    await client.query('create index chat_message_search_idx on chat_message using gin (search_vector)');
    await client.query('analyze');
  } finally {
    await client.end();
  }
}

async function login(url: string, email: string): Promise<string> {
  const response = await fetch(`${url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  if (!response.ok) {
    throw new Error(`login ${email}: ${response.status}`);
  }
  return ((await response.json()) as { accessToken: string }).accessToken;
}

async function measure(url: string, token: string, q: string, rounds: number): Promise<{ latency: LatencySummary; hits: number }> {
  const samples: number[] = [];
  let hits = 0;
  for (let round = 0; round < rounds; round += 1) {
    const started = performance.now();
    const response = await fetch(`${url}/chat/search?q=${encodeURIComponent(q)}&limit=20`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await response.json()) as unknown[];
    samples.push(performance.now() - started);
    if (!response.ok) {
      throw new Error(`search ${q}: ${response.status} ${JSON.stringify(body)}`);
    }
    hits = body.length;
  }
  const latency = summarise(samples);
  return {
    latency: {
      ...latency,
      p50: round(latency.p50),
      p95: round(latency.p95),
      p99: round(latency.p99),
      max: round(latency.max),
      mean: round(latency.mean),
    },
    hits,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { messages: { type: 'string' }, rounds: { type: 'string' }, quick: { type: 'boolean', default: false } },
  });
  const messages = Number(values.messages ?? (values.quick ? 100_000 : 1_000_000));
  const rounds = Number(values.rounds ?? (values.quick ? 20 : 100));
  if (!Number.isInteger(messages) || messages < USERS || !Number.isInteger(rounds) || rounds < 1) {
    throw new Error('--messages must be a whole number ≥ 1000 and --rounds ≥ 1');
  }
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = await BenchDatabase.create(adminUrl);
  const dataDir = mkdtempSync(join(tmpdir(), 'chat-search-bench-'));
  let server: ChildServer | undefined;
  try {
    log(`seeding ${messages} messages into ${database.name}`);
    const seedStarted = performance.now();
    await seed(database.url, messages);
    const seedSeconds = Math.round((performance.now() - seedStarted) / 1000);
    server = await startChatServer({
      serverDir: REPO_DIR,
      databaseUrl: database.url,
      dataDir,
      logLevel: 'warn',
      logFile: join(dataDir, 'server.log'),
    });
    const adminToken = await login(server.url, 'admin@bench.example');
    const userToken = await login(server.url, 'user7@bench.example');
    const rows = [];
    for (const { label, q } of QUERIES) {
      await measure(server.url, adminToken, q, 3);
      const admin = await measure(server.url, adminToken, q, rounds);
      const user = await measure(server.url, userToken, q, rounds);
      rows.push({ label, q, admin, user });
    }
    const all = summarise(rows.flatMap((row) => [row.admin.latency.p95, row.user.latency.p95]));
    const worstP95 = Math.max(...rows.flatMap((row) => [row.admin.latency.p95, row.user.latency.p95]));
    const lines = [
      `Message search over ${messages.toLocaleString('en')} messages (PostgreSQL, ${rounds} sequential requests per query and role, limit 20)`,
      'query                      | admin p50 / p95 / max ms (hits) | user p50 / p95 / max ms (hits)',
      ...rows.map(
        (row) =>
          `${`${row.label} (${row.q})`.padEnd(26)} | ${row.admin.latency.p50} / ${row.admin.latency.p95} / ${row.admin.latency.max} (${row.admin.hits})`.padEnd(
            62,
          ) + ` | ${row.user.latency.p50} / ${row.user.latency.p95} / ${row.user.latency.max} (${row.user.hits})`,
      ),
      `worst p95 ${worstP95} ms (target < ${TARGET_P95_MS} ms: ${worstP95 < TARGET_P95_MS ? 'met' : 'missed'}); seeding took ${seedSeconds} s`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    mkdirSync(RESULTS_DIR, { recursive: true });
    const stamp = new Date()
      .toISOString()
      .replace(/:/g, '-')
      .replace(/\.\d+Z$/, 'Z');
    writeFileSync(
      join(RESULTS_DIR, `${stamp}-search${values.quick ? '-quick' : ''}.json`),
      `${JSON.stringify({ machine: { cores: cpus().length, memoryBytes: totalmem(), node: process.version }, messages, rounds, seedSeconds, rows, worstP95, p95s: all }, null, 2)}\n`,
    );
  } finally {
    await server?.stop().catch(() => undefined);
    killAllChildren();
    await database.drop().catch((error: unknown) => log(`could not drop ${database.name}: ${String(error)}`));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  log(`search bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  killAllChildren();
  process.exit(1);
});
