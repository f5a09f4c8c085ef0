import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { DomainError, ErrorCode } from '../common/errors.js';

export const RATE_LIMIT_STORAGE = Symbol('RATE_LIMIT_STORAGE');

export interface RateLimitRule {
  name: string;
  limit: number;
  windowMs: number;
}

// One limiter for HTTP and socket entry points; counters live in Redis when configured (shared by every
// instance), else in this process (the single-instance default).
@Injectable()
export class RateLimiter implements OnApplicationShutdown {
  private readonly logger = new Logger(RateLimiter.name);
  // Counts in this process while the shared store (Redis) is away: limits stay (per instance) instead of
  // letting everything through, which would make a Redis outage an open door for password guessing.
  private fallback?: ThrottlerStorageService;

  constructor(@Inject(RATE_LIMIT_STORAGE) private readonly storage: ThrottlerStorage) {}

  onApplicationShutdown(): void {
    this.fallback?.onApplicationShutdown();
  }

  async consume(rule: RateLimitRule, key: string): Promise<void> {
    let record: Awaited<ReturnType<ThrottlerStorage['increment']>>;
    try {
      record = await this.storage.increment(key, rule.windowMs, rule.limit, rule.windowMs, rule.name);
    } catch (error) {
      if (!this.fallback) {
        this.logger.warn(
          `rate limit store unavailable, counting in this instance: ${error instanceof Error ? error.message : String(error)}`,
        );
        this.fallback = new ThrottlerStorageService();
      }
      record = await this.fallback.increment(key, rule.windowMs, rule.limit, rule.windowMs, rule.name);
    }
    if (record.isBlocked || record.totalHits > rule.limit) {
      const retryAfterMs = Math.max(1, record.timeToBlockExpire || record.timeToExpire) * 1000;
      throw new DomainError(ErrorCode.RATE_LIMITED, `Too many ${rule.name} requests; retry in ${Math.ceil(retryAfterMs / 1000)} s`, {
        retryAfterMs,
      });
    }
  }
}
