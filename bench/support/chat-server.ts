import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { type ChildServer, startChildServer } from './child-server.js';
import { freePort } from './free-port.js';

export interface ChatServerSettings {
  serverDir: string;
  databaseUrl?: string;
  dataDir: string;
  logLevel: string;
  poolSize?: number;
  cpuProfileDir?: string;
  logFile: string;
}

// The real server, production build, as its own process: what an operator runs with `npm start`.
export async function startChatServer(settings: ChatServerSettings): Promise<ChildServer> {
  const port = await freePort();
  const env: Record<string, string> = {
    // Not production: the bench signs in with the demo accounts, which production never creates (same dist build).
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    JWT_SECRET: randomBytes(48).toString('base64url'),
    LOG_LEVEL: settings.logLevel,
    SEED_DEMO: 'true',
    // Even on PostgreSQL the data dir is set, so nothing lands in the checkout's ./data.
    CHAT_DATA_DIR: settings.dataDir,
    // The bench measures capacity, not the limiter: limits stay on (their cost counts) but far above the offered load.
    LOGIN_RATE_LIMIT: '100000',
    REGISTER_RATE_LIMIT: '100000',
    MESSAGE_RATE_LIMIT: '1000000',
    LOGIN_GLOBAL_RATE_LIMIT: '1000000',
    SOCKET_EVENT_RATE_LIMIT: '1000000',
    // Accounts are made by the thousand before measuring; OWASP's scrypt cost would take minutes of that.
    PASSWORD_SCRYPT_LOG_N: '14',
    // As before sessions: one token for the whole run (the default is 15 min).
    JWT_EXPIRES_IN: '1h',
  };
  if (settings.databaseUrl) {
    env.DATABASE_URL = settings.databaseUrl;
  }
  if (settings.poolSize !== undefined) {
    env.DB_POOL_SIZE = String(settings.poolSize);
  }
  const profileArgs = settings.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${settings.cpuProfileDir}`] : [];
  return startChildServer({
    name: 'chat server',
    nodeArgs: [...profileArgs, join(settings.serverDir, 'dist/src/main.js')],
    cwd: settings.serverDir,
    env,
    url: `http://127.0.0.1:${port}`,
    readyPath: '/health/ready',
    logFile: settings.logFile,
    startTimeoutMs: 60_000,
  });
}
