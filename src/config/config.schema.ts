import { z } from 'zod';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { message: `must be a whole number from ${min} to ${max}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(min, { message: `must be at least ${min}` })
        .max(max, { message: `must be at most ${max}` }),
    );

// "1h", "15m", "30s", "7d" or plain seconds: the forms JWT libraries accept for expiry.
const duration = z
  .string()
  .regex(/^\d+\s*[smhd]?$/, { message: 'must be seconds or a number followed by s, m, h or d (e.g. 1h)' })
  .transform((value) => {
    const amount = Number.parseInt(value, 10);
    const unit = value.trim().slice(-1);
    const factor = unit === 'm' ? 60 : unit === 'h' ? 3600 : unit === 'd' ? 86400 : 1;
    return amount * factor;
  })
  .pipe(
    z
      .number()
      .int()
      // Production asks for at least 60 s (checked in loadConfig); a few seconds are allowed elsewhere for tests.
      .min(1, { message: 'must be at least 1 second' })
      .max(31 * 86400, { message: 'must be at most 31 days' }),
  );

const csv = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0),
);

const origin = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
    } catch {
      return false;
    }
  },
  { message: 'must be a list of origins like https://app.example.com (scheme, host and port only, no path)' },
);

const databaseUrl = z
  .string()
  .refine((value) => /^postgres(ql)?:\/\/.+/.test(value), { message: 'must be a postgres:// or postgresql:// URL' });

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: integer(0, 65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: databaseUrl.optional(),
  DB_POOL_SIZE: integer(1, 500).default(10),
  CHAT_DATA_DIR: z.string().min(1).default('./data'),
  SEED_DEMO: booleanFlag.optional(),
  JWT_SECRET: z.string().min(1).optional(),
  JWT_EXPIRES_IN: duration.default(900),
  JWT_PUBLIC_KEY: z.string().min(1).optional(),
  JWT_ISSUER: z.string().min(1).optional(),
  JWT_AUDIENCE: z.string().min(1).optional(),
  ALLOW_REGISTRATION: booleanFlag.default(true),
  CORS_ORIGINS: csv.pipe(z.array(origin)).default([]),
  MAX_MESSAGE_LENGTH: integer(1, 100_000).default(4000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SHUTDOWN_TIMEOUT_MS: integer(0, 600_000).default(10_000),
  SOCKET_AUTH_TIMEOUT_MS: integer(100, 600_000).default(10_000),
  WEB_DIST_DIR: z.string().min(1).optional(),
  REDIS_URL: z
    .string()
    .refine((value) => /^rediss?:\/\/.+/.test(value), { message: 'must be a redis:// or rediss:// URL' })
    .optional(),
  REDIS_SHARDED: booleanFlag.default(false),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,64}$/, { message: 'must be 1 to 64 letters, digits, colons, dashes or underscores' })
    .default('chat'),
  LOGIN_RATE_LIMIT: integer(1, 100_000).default(30),
  REGISTER_RATE_LIMIT: integer(1, 100_000).default(20),
  MESSAGE_RATE_LIMIT: integer(1, 1_000_000).default(120),
  TYPING_RATE_LIMIT: integer(1, 100_000).default(30),
  METRICS_TOKEN: z.string().min(16, { message: 'must be at least 16 characters' }).optional(),
  WEBHOOK_URL: z
    .string()
    .refine((value) => /^https?:\/\/[^\s]+$/.test(value), { message: 'must be an http:// or https:// URL' })
    .optional(),
  WEBHOOK_SECRET: z.string().min(16, { message: 'must be at least 16 characters' }).optional(),
  WEBHOOK_ALLOW_PRIVATE: booleanFlag.default(false),
  VAPID_PUBLIC_KEY: z.string().min(1).optional(),
  VAPID_PRIVATE_KEY: z.string().min(1).optional(),
  VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:|https:\/\/)/, { message: 'must start with mailto: or https://' })
    .default('mailto:support@example.com'),
  PUSH_ALLOW_PRIVATE: booleanFlag.default(false),
  MAX_ATTACHMENT_BYTES: integer(1, 1_073_741_824).default(10 * 1024 * 1024),
  SEARCH_LANGUAGE: z
    .string()
    .regex(/^[a-z_]{1,40}$/, { message: 'must be a text search configuration name such as simple or english' })
    .default('simple'),
  ATTACHMENT_ORPHAN_TTL_MS: integer(1_000, 30 * 86_400_000).default(86_400_000),
  S3_BUCKET: z.string().min(1).optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ENDPOINT: z.url({ message: 'must be a URL' }).optional(),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: booleanFlag.default(false),
  PRESENCE_TTL_MS: integer(3_000, 600_000).default(30_000),
  // Sessions, account management and hardening (issue 11).
  SESSION_MAX_AGE: duration.default(30 * 86400),
  SESSION_CHECK_INTERVAL_MS: integer(0, 30_000).default(15_000),
  // Parsed in loadConfig: false, a hop count or a list of proxy addresses/CIDRs.
  TRUST_PROXY: z.string().max(2000).optional(),
  LOGIN_ACCOUNT_FREE_ATTEMPTS: integer(1, 1_000).default(5),
  LOGIN_GLOBAL_RATE_LIMIT: integer(1, 10_000_000).default(1_000),
  DOCS_ENABLED: booleanFlag.optional(),
  UPLOAD_QUOTA_BYTES_PER_DAY: integer(0, 1_099_511_627_776).default(200 * 1024 * 1024),
  UPLOAD_RATE_LIMIT: integer(1, 1_000_000).default(60),
  MIN_FREE_DISK_BYTES: integer(0, 1_099_511_627_776).default(512 * 1024 * 1024),
  IMAGE_DECODE_CONCURRENCY: integer(1, 64).default(2),
  SOCKET_EVENT_RATE_LIMIT: integer(1, 1_000_000).default(100),
  SYNC_MAX_MESSAGES: integer(1, 100_000).default(1_000),
  // Newest history pages kept in memory (0 turns the cache off), and the bytes they may take together.
  HISTORY_CACHE_PAGES: integer(0, 10_000_000).default(10_000),
  HISTORY_CACHE_BYTES: integer(0, 1_099_511_627_776).default(64 * 1024 * 1024),
  DB_STATEMENT_TIMEOUT_MS: integer(0, 3_600_000).default(15_000),
  JWT_ROLE_CLAIM: z
    .string()
    .regex(/^[\w:/.-]{1,200}$/, { message: 'must be a claim name' })
    .optional(),
  JWT_JWKS_URL: z.url({ message: 'must be an https:// URL' }).optional(),
  PASSWORD_SCRYPT_LOG_N: integer(10, 20).default(17),
  // Agent workflow (issue 13): auto-assignment and reassignment after the assignee went offline.
  AUTO_ASSIGN: booleanFlag.default(false),
  AGENT_CAPACITY: integer(0, 100_000).default(10),
  REASSIGN_AFTER_MS: integer(100, 30 * 86_400_000).default(15 * 60_000),
  // Email notifications and replies by email (issue 14).
  SMTP_URL: z
    .string()
    .refine((value) => /^smtps?:\/\/[^\s]+$/.test(value), { message: 'must be an smtp:// or smtps:// URL (smtp://user:pass@host:587)' })
    .optional(),
  EMAIL_FROM: z.string().min(3).optional(),
  PUBLIC_URL: z
    .string()
    .refine((value) => /^https?:\/\/[^\s]+$/.test(value), { message: 'must be an http:// or https:// URL' })
    .optional(),
  EMAIL_NOTIFY_DELAY_MS: integer(0, 7 * 86_400_000).default(120_000),
  ADMIN_EMAIL_NOTIFICATIONS: booleanFlag.optional(),
  INBOUND_SMTP_PORT: integer(0, 65535).optional(),
  INBOUND_SMTP_HOST: z.string().min(1).optional(),
  INBOUND_DOMAIN: z
    .string()
    .regex(/^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/, { message: 'must be a domain name such as reply.example.com' })
    .optional(),
  INBOUND_EMAIL_SECRET: z.string().min(16, { message: 'must be at least 16 characters' }).optional(),
  INBOUND_EMAIL_RATE_LIMIT: integer(1, 100_000).default(20),
  // Website widget
  WIDGET_SECRET: z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
  WIDGET_ORIGINS: csv.pipe(z.array(origin)).default([]),
  WIDGET_ALLOW_ANONYMOUS: booleanFlag.default(false),
});

export type Env = z.infer<typeof envSchema>;
