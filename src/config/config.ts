import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { type Env, envSchema } from './config.schema.js';

export const APP_CONFIG = Symbol('APP_CONFIG');

export type DatabaseConfig =
  { kind: 'postgres'; url: string; poolSize: number; statementTimeoutMs?: number } | { kind: 'pglite'; dataDir: string };

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  dataDir: string;
  database: DatabaseConfig;
  seedDemo: boolean;
  auth: {
    jwtSecret: string;
    expiresInSeconds: number;
    allowRegistration: boolean;
    // Attempts per minute: login per IP and email, registration per IP.
    loginPerMinute: number;
    registerPerMinute: number;
    // Tokens issued by the product the chat sits beside (RS256/ES256).
    // Exactly one of publicKeyPem / jwksUrl; ADMIN only from roleClaim (else every host token is a USER).
    hostApp?: { publicKeyPem?: string; jwksUrl?: string; issuer: string; audience: string; roleClaim?: string };
  };
  corsOrigins: string[];
  maxMessageLength: number;
  logLevel: string;
  shutdownTimeoutMs: number;
  socketAuthTimeoutMs: number;
  webDistDir: string;
  // prefix: every key and channel of this deployment starts with it, so several can share one Redis.
  redis?: { url: string; sharded: boolean; prefix: string };
  // Messages per sender per minute, typing events per socket per 10 seconds.
  rateLimits: { messagesPerMinute: number; typingPer10s: number };
  presenceTtlMs: number;
  metricsToken?: string;
  // Signed POSTs of message/conversation events to the host app, from a durable outbox.
  webhook?: { url: string; secret: string; allowPrivate: boolean };
  // Web Push (VAPID keys generated into the data dir when not configured).
  push: { vapid?: { publicKey: string; privateKey: string }; subject: string; allowPrivate: boolean };
  maxAttachmentBytes: number;
  // Uploads never attached to a message are deleted after this.
  attachmentOrphanTtlMs: number;
  s3?: { bucket: string; region: string; endpoint?: string; accessKeyId?: string; secretAccessKey?: string; forcePathStyle: boolean };
  // PostgreSQL text search configuration for message search ('simple' needs no stemming and fits every language).
  searchLanguage: string;
  // Sessions, account management and hardening (issue 11).
  sessions: {
    // Refresh tokens (and so a signed-in browser) last this long since sign-in.
    maxAgeSeconds: number;
    // How long a session/token-version check is cached: the upper bound on revocation delay.
    checkIntervalMs: number;
  };
  trustProxy: TrustProxy;
  login: { accountFreeAttempts: number; globalPerMinute: number };
  docsEnabled: boolean;
  uploads: { quotaBytesPerDay: number; perHour: number; minFreeDiskBytes: number; imageDecodeConcurrency: number };
  socketEventsPer10s: number;
  syncMaxMessages: number;
  // The newest history page per conversation and visibility, served again while still current.
  historyCache: { maxPages: number; maxBytes: number };
  statementTimeoutMs: number;
  // scrypt cost N = 2^passwordScryptLogN (OWASP: 17).
  passwordScryptLogN: number;
  // Agent workflow: round-robin auto-assignment to online admins under capacity; an assignee offline for
  // reassignAfterMs loses the conversations waiting for an answer.
  assignment: { autoAssign: boolean; agentCapacity: number; reassignAfterMs: number };
  // Website widget: HMAC key of user hashes, the page origins allowed to embed it, visitors without identity.
  // No secret (production without WIDGET_SECRET): identified widget users are refused.
  widget: { secret?: string; origins: string[]; allowAnonymous: boolean };
  // Email notifications and replies by email (issue 14).
  email: EmailConfig;
}

export interface EmailConfig {
  // Off when SMTP_URL is unset: nothing is scheduled or sent.
  smtpUrl?: string;
  from: string;
  publicUrl: string;
  notifyDelayMs: number;
  adminNotifications: boolean;
  // Reply-To addresses are reply+<token>@domain; without a domain emails carry no Reply-To.
  inboundDomain?: string;
  inboundSmtp?: { port: number; host: string };
  inboundSecret?: string;
  // Inbound mails per conversation per minute.
  inboundPerMinute: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const MIN_SECRET_BYTES = 32;

// A config error is printed to logs that many people read: never a credential in it.
const SECRET_NAME = /TOKEN|SECRET|KEY|PASSWORD|CREDENTIAL/;

export function maskValue(variable: string, value: string): string | undefined {
  if (SECRET_NAME.test(variable)) {
    return undefined;
  }
  // user:password@ in any URL-like value (DATABASE_URL, REDIS_URL, S3_ENDPOINT, ...).
  return value.replace(/(\/\/[^/@\s:]*):[^@\s]*@/g, '$1:***@').replace(/([?&](password|pass|token|secret|key)=)[^&\s]*/gi, '$1***');
}

function describeIssues(error: z.ZodError, env: Record<string, string | undefined>): string {
  return error.issues
    .map((issue) => {
      const variable = String(issue.path[0] ?? 'environment');
      const value = env[variable];
      const masked = value === undefined ? undefined : maskValue(variable, value);
      const shown = value === undefined ? '' : masked === undefined ? ' (value hidden)' : ` (got "${masked}")`;
      return `  ${variable}: ${issue.message}${shown}`;
    })
    .join('\n');
}

export type TrustProxy = boolean | number | string[];

// TRUST_PROXY: X-Forwarded-For / -Proto are believed only from these hops (fastify's trustProxy).
function parseTrustProxy(value: string | undefined): TrustProxy {
  if (value === undefined || value === 'false' || value === '0') {
    return false;
  }
  if (/^\d{1,2}$/.test(value)) {
    return Number(value);
  }
  // Every hop: only right when nothing reaches the server except through the proxy.
  if (value === 'true') {
    return true;
  }
  const entries = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
  const isAddress = (item: string) => ['loopback', 'linklocal', 'uniquelocal'].includes(item) || /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(item);
  if (entries.length === 0 || !entries.every(isAddress)) {
    throw new ConfigError(
      'Invalid configuration:\n  TRUST_PROXY: must be false, a hop count (e.g. 1) or a comma-separated list of proxy addresses/CIDRs (e.g. 10.0.0.0/8, loopback)',
    );
  }
  return entries;
}

// The embedded default keeps a generated secret beside its data so tokens survive restarts.
function readOrCreateSecret(dataDir: string, name = 'jwt-secret'): string {
  const file = join(dataDir, name);
  if (existsSync(file)) {
    return readFileSync(file, 'utf8').trim();
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  // Empty strings mean "not set", as in most .env files.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(`Invalid configuration:\n${describeIssues(parsed.error, cleaned)}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.CHAT_DATA_DIR);
  const isProduction = e.NODE_ENV === 'production';

  if (e.JWT_SECRET !== undefined && Buffer.byteLength(e.JWT_SECRET) < MIN_SECRET_BYTES) {
    throw new ConfigError(`Invalid configuration:\n  JWT_SECRET: must be at least ${MIN_SECRET_BYTES} bytes (value hidden)`);
  }
  if (isProduction && e.JWT_SECRET === undefined) {
    throw new ConfigError(
      `Invalid configuration:\n  JWT_SECRET: required when NODE_ENV=production (at least ${MIN_SECRET_BYTES} bytes, e.g. openssl rand -base64 48)`,
    );
  }
  if ((e.WEBHOOK_URL === undefined) !== (e.WEBHOOK_SECRET === undefined)) {
    throw new ConfigError('Invalid configuration:\n  WEBHOOK_URL and WEBHOOK_SECRET: set both to send webhooks, or neither');
  }
  if ((e.VAPID_PUBLIC_KEY === undefined) !== (e.VAPID_PRIVATE_KEY === undefined)) {
    throw new ConfigError(
      'Invalid configuration:\n  VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY: set both, or neither (keys are then generated into the data dir)',
    );
  }
  const hostKeySet = e.JWT_PUBLIC_KEY !== undefined || e.JWT_JWKS_URL !== undefined;
  if (e.JWT_PUBLIC_KEY !== undefined && e.JWT_JWKS_URL !== undefined) {
    throw new ConfigError('Invalid configuration:\n  JWT_PUBLIC_KEY and JWT_JWKS_URL: set one of them, not both');
  }
  if (hostKeySet !== (e.JWT_ISSUER !== undefined)) {
    throw new ConfigError(
      'Invalid configuration:\n  JWT_PUBLIC_KEY (or JWT_JWKS_URL) and JWT_ISSUER: set both to accept host-app tokens, or neither',
    );
  }
  // Without an audience any token the issuer signs for another service would open the chat too.
  if (hostKeySet && e.JWT_AUDIENCE === undefined) {
    throw new ConfigError(
      'Invalid configuration:\n  JWT_AUDIENCE: required with JWT_PUBLIC_KEY / JWT_JWKS_URL (the aud claim the product puts in tokens meant for the chat)',
    );
  }
  if (e.JWT_JWKS_URL !== undefined && isProduction && !e.JWT_JWKS_URL.startsWith('https://')) {
    throw new ConfigError('Invalid configuration:\n  JWT_JWKS_URL: must be an https:// URL when NODE_ENV=production');
  }
  if (isProduction && e.SEED_DEMO === true) {
    throw new ConfigError(
      'Invalid configuration:\n  SEED_DEMO: demo accounts (known password) are never created when NODE_ENV=production; remove SEED_DEMO and ' +
        'create the first admin with: npm run user:create -- --email you@example.com --name "Your Name" --admin',
    );
  }
  if (isProduction && e.JWT_EXPIRES_IN < 60) {
    throw new ConfigError('Invalid configuration:\n  JWT_EXPIRES_IN: must be at least 60 seconds when NODE_ENV=production');
  }
  const trustProxy = parseTrustProxy(e.TRUST_PROXY);

  const database: DatabaseConfig = e.DATABASE_URL
    ? { kind: 'postgres', url: e.DATABASE_URL, poolSize: e.DB_POOL_SIZE, statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS }
    : { kind: 'pglite', dataDir: join(dataDir, 'pgdata') };

  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    dataDir,
    database,
    // Never in production: the demo accounts have a published password.
    seedDemo: !isProduction && (e.SEED_DEMO ?? database.kind === 'pglite'),
    auth: {
      jwtSecret: e.JWT_SECRET ?? readOrCreateSecret(dataDir),
      expiresInSeconds: e.JWT_EXPIRES_IN,
      allowRegistration: e.ALLOW_REGISTRATION,
      loginPerMinute: e.LOGIN_RATE_LIMIT,
      registerPerMinute: e.REGISTER_RATE_LIMIT,
      hostApp:
        (e.JWT_PUBLIC_KEY || e.JWT_JWKS_URL) && e.JWT_ISSUER && e.JWT_AUDIENCE
          ? {
              publicKeyPem: e.JWT_PUBLIC_KEY?.replace(/\\n/g, '\n'),
              jwksUrl: e.JWT_JWKS_URL,
              issuer: e.JWT_ISSUER,
              audience: e.JWT_AUDIENCE,
              roleClaim: e.JWT_ROLE_CLAIM,
            }
          : undefined,
    },
    corsOrigins: e.CORS_ORIGINS,
    maxMessageLength: e.MAX_MESSAGE_LENGTH,
    logLevel: e.LOG_LEVEL,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    socketAuthTimeoutMs: e.SOCKET_AUTH_TIMEOUT_MS,
    webDistDir: resolve(e.WEB_DIST_DIR ?? join(import.meta.dirname, '../../../web/dist')),
    redis: e.REDIS_URL ? { url: e.REDIS_URL, sharded: e.REDIS_SHARDED, prefix: e.REDIS_PREFIX } : undefined,
    rateLimits: {
      messagesPerMinute: e.MESSAGE_RATE_LIMIT,
      typingPer10s: e.TYPING_RATE_LIMIT,
    },
    presenceTtlMs: e.PRESENCE_TTL_MS,
    metricsToken: e.METRICS_TOKEN,
    webhook:
      e.WEBHOOK_URL && e.WEBHOOK_SECRET
        ? { url: e.WEBHOOK_URL, secret: e.WEBHOOK_SECRET, allowPrivate: e.WEBHOOK_ALLOW_PRIVATE }
        : undefined,
    push: {
      vapid: e.VAPID_PUBLIC_KEY && e.VAPID_PRIVATE_KEY ? { publicKey: e.VAPID_PUBLIC_KEY, privateKey: e.VAPID_PRIVATE_KEY } : undefined,
      subject: e.VAPID_SUBJECT,
      allowPrivate: e.PUSH_ALLOW_PRIVATE,
    },
    maxAttachmentBytes: e.MAX_ATTACHMENT_BYTES,
    attachmentOrphanTtlMs: e.ATTACHMENT_ORPHAN_TTL_MS,
    s3: e.S3_BUCKET
      ? {
          bucket: e.S3_BUCKET,
          region: e.S3_REGION,
          endpoint: e.S3_ENDPOINT,
          accessKeyId: e.S3_ACCESS_KEY_ID,
          secretAccessKey: e.S3_SECRET_ACCESS_KEY,
          forcePathStyle: e.S3_FORCE_PATH_STYLE,
        }
      : undefined,
    searchLanguage: e.SEARCH_LANGUAGE,
    // Sessions, account management and hardening (issue 11).
    sessions: { maxAgeSeconds: e.SESSION_MAX_AGE, checkIntervalMs: e.SESSION_CHECK_INTERVAL_MS },
    trustProxy,
    login: { accountFreeAttempts: e.LOGIN_ACCOUNT_FREE_ATTEMPTS, globalPerMinute: e.LOGIN_GLOBAL_RATE_LIMIT },
    docsEnabled: e.DOCS_ENABLED ?? !isProduction,
    uploads: {
      quotaBytesPerDay: e.UPLOAD_QUOTA_BYTES_PER_DAY,
      perHour: e.UPLOAD_RATE_LIMIT,
      minFreeDiskBytes: e.MIN_FREE_DISK_BYTES,
      imageDecodeConcurrency: e.IMAGE_DECODE_CONCURRENCY,
    },
    socketEventsPer10s: e.SOCKET_EVENT_RATE_LIMIT,
    syncMaxMessages: e.SYNC_MAX_MESSAGES,
    historyCache: { maxPages: e.HISTORY_CACHE_PAGES, maxBytes: e.HISTORY_CACHE_BYTES },
    statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
    passwordScryptLogN: e.PASSWORD_SCRYPT_LOG_N,
    assignment: { autoAssign: e.AUTO_ASSIGN, agentCapacity: e.AGENT_CAPACITY, reassignAfterMs: e.REASSIGN_AFTER_MS },
    // Website widget
    widget: {
      secret: e.WIDGET_SECRET ?? (isProduction ? undefined : readOrCreateSecret(dataDir, 'widget-secret')),
      origins: e.WIDGET_ORIGINS,
      allowAnonymous: e.WIDGET_ALLOW_ANONYMOUS,
    },
    // Email notifications and replies by email (issue 14).
    email: loadEmailConfig(e),
  };
}

// Email notifications and replies by email (issue 14).
function loadEmailConfig(e: Env): EmailConfig {
  if (e.INBOUND_SMTP_PORT !== undefined && e.INBOUND_DOMAIN === undefined) {
    throw new ConfigError(
      'Invalid configuration:\n  INBOUND_DOMAIN: required with INBOUND_SMTP_PORT (replies go to reply+<token>@INBOUND_DOMAIN)',
    );
  }
  return {
    smtpUrl: e.SMTP_URL,
    from: e.EMAIL_FROM ?? `Support <support@${e.INBOUND_DOMAIN ?? 'localhost'}>`,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    notifyDelayMs: e.EMAIL_NOTIFY_DELAY_MS,
    adminNotifications: e.ADMIN_EMAIL_NOTIFICATIONS ?? e.SMTP_URL !== undefined,
    inboundDomain: e.INBOUND_DOMAIN?.toLowerCase(),
    inboundSmtp: e.INBOUND_SMTP_PORT !== undefined ? { port: e.INBOUND_SMTP_PORT, host: e.INBOUND_SMTP_HOST ?? e.HOST } : undefined,
    inboundSecret: e.INBOUND_EMAIL_SECRET,
    inboundPerMinute: e.INBOUND_EMAIL_RATE_LIMIT,
  };
}
