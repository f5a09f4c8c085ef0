import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type Api, apiClient } from '../../support/http.js';
import { PostgresCluster, postgresUnavailableReason } from './postgres-cluster.js';
import { freePort, onProcessExit } from './processes.js';
import { RedisServer, redisUnavailableReason } from './redis-server.js';
import { ServerProcess, serverUnavailableReason } from './server-process.js';

// Why the fault suites must be skipped on this machine, or false: node:test's `skip` takes either.
export function faultSuiteSkip(): string | false {
  return postgresUnavailableReason() ?? redisUnavailableReason() ?? serverUnavailableReason() ?? false;
}

export interface FaultEnvironmentOptions {
  name: string;
  instances: number;
  serverEnv?: Record<string, string>;
}

// One fault suite's world: its own PostgreSQL cluster and redis-server, and N chat server processes
// sharing them. Every piece is removed by close(), which after hooks call even when a test failed.
export class FaultEnvironment {
  readonly servers: ServerProcess[] = [];
  db?: pg.Pool;
  postgres?: PostgresCluster;
  redis?: RedisServer;

  private readonly forgetExitCleanup: () => void;

  private constructor(
    readonly name: string,
    readonly dir: string,
  ) {
    this.forgetExitCleanup = onProcessExit(() => rmSync(this.dir, { recursive: true, force: true }));
  }

  static async start(options: FaultEnvironmentOptions): Promise<FaultEnvironment> {
    const env = new FaultEnvironment(options.name, mkdtempSync(join(tmpdir(), `chat-fault-${options.name}-`)));
    try {
      [env.postgres, env.redis] = await Promise.all([PostgresCluster.create(), RedisServer.start()]);
      // A pool, not a client: it outlives a PostgreSQL restart by opening new connections.
      env.db = new pg.Pool({ connectionString: env.postgres.url, max: 3 });
      env.db.on('error', () => undefined);
      const common = {
        // Not production: the suite signs in with the demo accounts, which production never creates.
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        JWT_SECRET: randomBytes(48).toString('base64url'),
        DATABASE_URL: env.postgres.url,
        REDIS_URL: env.redis.url,
        REDIS_PREFIX: `fault-${options.name}-${randomBytes(4).toString('hex')}`,
        LOG_LEVEL: 'warn',
        SEED_DEMO: 'true',
        CHAT_DATA_DIR: join(env.dir, 'data'),
        SHUTDOWN_TIMEOUT_MS: '10000',
        MESSAGE_RATE_LIMIT: '1000000',
        LOGIN_RATE_LIMIT: '100000',
        REGISTER_RATE_LIMIT: '100000',
        TYPING_RATE_LIMIT: '100000',
        LOGIN_GLOBAL_RATE_LIMIT: '1000000',
        SOCKET_EVENT_RATE_LIMIT: '1000000',
        PASSWORD_SCRYPT_LOG_N: '14',
        // As before sessions: one token for the whole run (the default is 15 min).
        JWT_EXPIRES_IN: '1h',
        ...options.serverEnv,
      };
      for (let index = 0; index < options.instances; index += 1) {
        const name = String.fromCharCode('A'.charCodeAt(0) + index);
        const port = await freePort();
        env.servers.push(new ServerProcess(name, port, { ...common, PORT: String(port) }, join(env.dir, `server-${name}.log`), env.dir));
      }
      // One after the other: only the first instance sees an empty database and seeds the demo accounts.
      for (const server of env.servers) {
        server.start();
        await server.waitReady();
      }
      return env;
    } catch (error) {
      await env.close();
      throw error;
    }
  }

  server(name: string): ServerProcess {
    const found = this.servers.find((server) => server.name === name);
    if (!found) {
      throw new Error(`no server ${name}`);
    }
    return found;
  }

  api(server: ServerProcess = this.liveServer()): Api {
    return apiClient(server.url);
  }

  liveServer(): ServerProcess {
    const live = this.servers.find((server) => server.isRunning);
    if (!live) {
      throw new Error('no server process is running');
    }
    return live;
  }

  database(): pg.Pool {
    if (!this.db) {
      throw new Error('environment not started');
    }
    return this.db;
  }

  // The servers' last log lines, for failure messages.
  logTails(): string {
    return this.servers.map((server) => server.logTail()).join('\n');
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.servers.map((server) => server.destroy()));
    await this.db?.end().catch(() => undefined);
    await Promise.allSettled([this.postgres?.destroy(), this.redis?.destroy()]);
    rmSync(this.dir, { recursive: true, force: true });
    this.forgetExitCleanup();
  }
}
