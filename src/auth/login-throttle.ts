import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError, ErrorCode } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { RateLimiter } from '../rate-limit/rate-limiter.service.js';
import { REDIS, type RedisClients } from '../redis/redis.js';

interface FailureRecord {
  failures: number;
  lastFailureAt: number;
}

const FAILURE_MEMORY_MS = 24 * 3_600_000;
const BACKOFF_BASE_MS = 10_000;
const BACKOFF_MAX_MS = 15 * 60_000;
const MEMORY_ENTRIES = 50_000;

// Remembered failures per account, shared through Redis so that guesses spread over many IPs and instances add
// up; in this process while Redis is away (fails closed, per instance).
class FailureStore {
  private readonly memory = new Map<string, FailureRecord>();
  private readonly logger = new Logger('LoginThrottle');

  constructor(
    private readonly redis: RedisClients | null,
    private readonly prefix: string,
  ) {}

  async get(account: string): Promise<FailureRecord | undefined> {
    if (this.redis) {
      try {
        const [failures, last] = await this.redis.command.hmget(this.key(account), 'failures', 'last');
        return failures ? { failures: Number(failures), lastFailureAt: Number(last) } : this.memoryGet(account);
      } catch (error) {
        this.warn(error);
      }
    }
    return this.memoryGet(account);
  }

  async fail(account: string): Promise<void> {
    const now = Date.now();
    if (this.redis) {
      try {
        const key = this.key(account);
        await this.redis.command.multi().hincrby(key, 'failures', 1).hset(key, 'last', now).pexpire(key, FAILURE_MEMORY_MS).exec();
        return;
      } catch (error) {
        this.warn(error);
      }
    }
    const current = this.memoryGet(account);
    if (this.memory.size >= MEMORY_ENTRIES) {
      const oldest = this.memory.keys().next().value;
      if (oldest !== undefined) {
        this.memory.delete(oldest);
      }
    }
    this.memory.set(account, { failures: (current?.failures ?? 0) + 1, lastFailureAt: now });
  }

  async clear(account: string): Promise<void> {
    this.memory.delete(account);
    await this.redis?.command.del(this.key(account)).catch((error: unknown) => this.warn(error));
  }

  private memoryGet(account: string): FailureRecord | undefined {
    const record = this.memory.get(account);
    if (record && Date.now() - record.lastFailureAt > FAILURE_MEMORY_MS) {
      this.memory.delete(account);
      return undefined;
    }
    return record;
  }

  private key(account: string): string {
    return `${this.prefix}:login-fail:${account}`;
  }

  private warn(error: unknown): void {
    this.logger.warn(
      `login failure store unavailable, counting in this instance: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

// Three separate limits on sign-in: per client IP (X-Forwarded-For only through TRUST_PROXY), per account across
// every IP with a growing wait after a few failures, and a global ceiling. Keying on IP+email together (as before)
// let one IP spray passwords over many emails, and let one attacker lock a victim out for everybody behind a proxy.
@Injectable()
export class LoginThrottle {
  private readonly failures: FailureStore;

  constructor(
    private readonly rateLimiter: RateLimiter,
    @Inject(REDIS) redis: RedisClients | null,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.failures = new FailureStore(redis && config.redis ? redis : null, config.redis?.prefix ?? 'chat');
  }

  async beforeAttempt(clientIp: string, account: string): Promise<void> {
    await this.rateLimiter.consume({ name: 'login-global', limit: this.config.login.globalPerMinute, windowMs: 60_000 }, 'all');
    await this.rateLimiter.consume({ name: 'login', limit: this.config.auth.loginPerMinute, windowMs: 60_000 }, clientIp);
    const record = await this.failures.get(account);
    const free = this.config.login.accountFreeAttempts;
    if (!record || record.failures < free) {
      return;
    }
    // 10 s after the free attempts are used up, then twice as long after each further failure, at most 15 min.
    const waitMs = Math.min(BACKOFF_BASE_MS * 2 ** (record.failures - free), BACKOFF_MAX_MS);
    const retryAfterMs = record.lastFailureAt + waitMs - Date.now();
    if (retryAfterMs > 0) {
      throw new DomainError(
        ErrorCode.RATE_LIMITED,
        `Too many failed sign-ins for this account; retry in ${Math.ceil(retryAfterMs / 1000)} s`,
        { retryAfterMs },
      );
    }
  }

  failed(account: string): Promise<void> {
    return this.failures.fail(account);
  }

  succeeded(account: string): Promise<void> {
    return this.failures.clear(account);
  }
}
