import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pg from 'pg';
import { MIGRATIONS_DIR } from '../src/database/database.js';

const COUNTERS_MIGRATION = '0006_unread_counters';

// The migrations before the counters, as a folder of their own: a database as it was before the upgrade.
function migrationsBeforeCounters(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'chat-migrations-'));
  cpSync(MIGRATIONS_DIR, dir, { recursive: true });
  const journalFile = join(dir, 'meta/_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
  journal.entries = journal.entries.filter((entry) => entry.tag < COUNTERS_MIGRATION);
  writeFileSync(journalFile, JSON.stringify(journal));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

type Run = (statement: ReturnType<typeof sql>) => Promise<{ rows: Record<string, unknown>[] }>;

// Two conversations with messages of every kind, read and unread, written before the counters existed.
async function writeHistory(run: Run): Promise<void> {
  await run(sql`insert into users (email, name, role) values ('a@m.example', 'Agent', 'ADMIN'), ('u@m.example', 'User', 'USER'),
    ('v@m.example', 'Other', 'USER')`);
  await run(sql`insert into chat_conversation (user_id, status, last_seq)
    select id, 'ACTIVE', 6 from users where role = 'USER' order by id`);
  // Per conversation: the user's 1 (read), 2, 3; the agent's 4 (read), 5; a private note 6.
  await run(sql`insert into chat_message (conversation_id, sender_id, content, seq, is_read, is_private)
    select c.id, case when s <= 3 then c.user_id else (select id from users where role = 'ADMIN') end, 'm' || s, s, s in (1, 4), s = 6
      from chat_conversation c cross join generate_series(1, 6) s`);
  // The second conversation's user read everything of theirs.
  await run(sql`update chat_message m set is_read = true from chat_conversation c join users u on u.id = c.user_id
    where m.conversation_id = c.id and u.email = 'v@m.example' and m.sender_id <> c.user_id and not m.is_private`);
}

async function counters(run: Run): Promise<{ email: string; admins: number; user: number }[]> {
  const result = await run(sql`select u.email, c.unread_by_admins as admins, c.unread_by_user as "user"
    from chat_conversation c join users u on u.id = c.user_id order by u.email`);
  return result.rows.map((row) => ({ email: String(row.email), admins: Number(row.admins), user: Number(row.user) }));
}

const EXPECTED = [
  { email: 'u@m.example', admins: 2, user: 1 },
  { email: 'v@m.example', admins: 2, user: 0 },
];

describe('migration 0006: unread counters backfilled from the messages already stored', () => {
  it('on PGlite', async () => {
    const before = migrationsBeforeCounters();
    const client = await PGlite.create();
    try {
      const db = drizzlePglite(client);
      await migratePglite(db, { migrationsFolder: before.dir });
      const run: Run = (statement) => db.execute(statement) as never;
      await writeHistory(run);
      await migratePglite(db, { migrationsFolder: MIGRATIONS_DIR });
      assert.deepEqual(await counters(run), EXPECTED);
    } finally {
      await client.close();
      before.remove();
    }
  });

  it('on PostgreSQL', { skip: process.env.TEST_DATABASE_URL ? false : 'needs TEST_DATABASE_URL' }, async () => {
    const base = process.env.TEST_DATABASE_URL ?? '';
    const name = `chat_test_migration_${process.pid}_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`create database ${name}`);
    const url = new URL(base);
    url.pathname = `/${name}`;
    const before = migrationsBeforeCounters();
    const client = new pg.Client({ connectionString: url.toString() });
    try {
      await client.connect();
      const db = drizzlePg({ client });
      await migratePg(db, { migrationsFolder: before.dir });
      const run: Run = (statement) => db.execute(statement) as never;
      await writeHistory(run);
      await migratePg(db, { migrationsFolder: MIGRATIONS_DIR });
      assert.deepEqual(await counters(run), EXPECTED);
    } finally {
      await client.end();
      before.remove();
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });
});
