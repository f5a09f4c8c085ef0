import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { MIGRATIONS_DIR, openDatabase } from '../../src/database/database.js';

// Creating and migrating an embedded database takes seconds; each test server starts from a copy of one
// made once per migration set (kept in the temp dir, rebuilt when a migration changes).
async function pgliteTemplate(): Promise<string> {
  const migrations = readdirSync(MIGRATIONS_DIR)
    .filter((name) => name.endsWith('.sql'))
    .sort()
    .map((name) => readFileSync(join(MIGRATIONS_DIR, name), 'utf8'));
  const hash = createHash('sha256').update(migrations.join('\n')).digest('hex').slice(0, 16);
  const template = join(tmpdir(), `chat-pglite-template-${hash}`);
  if (existsSync(join(template, 'READY'))) {
    return join(template, 'pgdata');
  }
  // Built aside and renamed into place, so concurrent test processes never see half a template.
  const building = mkdtempSync(join(tmpdir(), 'chat-pglite-building-'));
  const database = await openDatabase({ kind: 'pglite', dataDir: join(building, 'pgdata') }, { migrate: true });
  await database.close();
  writeFileSync(join(building, 'READY'), hash);
  try {
    renameSync(building, template);
  } catch {
    rmSync(building, { recursive: true, force: true });
  }
  return join(template, 'pgdata');
}

export interface TestServer {
  url: string;
  app: NestFastifyApplication;
  // The environment it was started with, for starting a sibling instance on the same database and Redis.
  env: Record<string, string>;
  // Stops the server, keeping its database, and starts it again on the same port.
  restart(): Promise<void>;
  close(): Promise<void>;
}

export const TEST_JWT_SECRET = 'test-secret-that-is-at-least-32-bytes-long!!';

// A fresh database per test file: a new PGlite directory, or a new database on TEST_DATABASE_URL's server.
async function freshDatabaseUrl(): Promise<{ url?: string; drop(): Promise<void> }> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) {
    return { drop: async () => undefined };
  }
  const name = `chat_test_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

// With TEST_REDIS_URL (or REDIS_URL) every server uses Redis, under a prefix of its own so runs never mix.
export function redisEnv(): Record<string, string> {
  const url = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL;
  return url ? { REDIS_URL: url, REDIS_PREFIX: `test-${process.pid}-${Math.random().toString(36).slice(2, 8)}` } : {};
}

export const canRunSeveralInstances = Boolean(process.env.TEST_DATABASE_URL && (process.env.TEST_REDIS_URL ?? process.env.REDIS_URL));
export const SEVERAL_INSTANCES_SKIP = canRunSeveralInstances
  ? false
  : 'several instances need a shared PostgreSQL and Redis: set TEST_DATABASE_URL and TEST_REDIS_URL (or REDIS_URL); .ci/run does';

// A second instance of `first`'s deployment: same database, same Redis prefix, its own port.
export async function startSibling(first: TestServer): Promise<TestServer> {
  return startServer(first.env, { sharedDatabase: true });
}

export async function startServer(env: Record<string, string> = {}, options: { sharedDatabase?: boolean } = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'chat-test-'));
  const usesPglite = !options.sharedDatabase && !process.env.TEST_DATABASE_URL && !env.DATABASE_URL;
  if (usesPglite) {
    mkdirSync(dataDir, { recursive: true });
    cpSync(await pgliteTemplate(), join(dataDir, 'pgdata'), { recursive: true });
  }
  const database = options.sharedDatabase ? { url: env.DATABASE_URL, drop: async () => undefined } : await freshDatabaseUrl();
  const fullEnv: Record<string, string> = {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    CHAT_DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SEED_DEMO: 'true',
    JWT_SECRET: TEST_JWT_SECRET,
    LOGIN_RATE_LIMIT: '100000',
    REGISTER_RATE_LIMIT: '100000',
    MESSAGE_RATE_LIMIT: '100000',
    LOGIN_GLOBAL_RATE_LIMIT: '1000000',
    SOCKET_EVENT_RATE_LIMIT: '1000000',
    // OWASP's scrypt cost takes ~0.5 s per hash: tests sign in hundreds of times.
    PASSWORD_SCRYPT_LOG_N: '14',
    ...(options.sharedDatabase ? {} : redisEnv()),
    ...(database.url ? { DATABASE_URL: database.url } : {}),
    ...env,
  };
  const config = loadConfig(fullEnv);
  let app = await createApp(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  if (!address || typeof address === 'string') {
    throw new Error('server has no TCP address');
  }
  const port = address.port;
  const server: TestServer = {
    url: `http://127.0.0.1:${port}`,
    app,
    env: fullEnv,
    async restart() {
      await app.close();
      app = await createApp(config);
      await app.listen({ port, host: '127.0.0.1' });
      server.app = app;
    },
    async close() {
      await app.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return server;
}
