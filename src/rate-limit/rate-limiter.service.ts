import { Inject, Injectable, Logger } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
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
export class RateLimiter {
  private readonly logger = new Logger(RateLimiter.name);

  constructor(@Inject(RATE_LIMIT_STORAGE) private readonly storage: ThrottlerStorage) {}

  async consume(rule: RateLimitRule, key: string): Promise<void> {
    let record: Awaited<ReturnType<ThrottlerStorage['increment']>>;
    try {
      record = await this.storage.increment(key, rule.windowMs, rule.limit, rule.windowMs, rule.name);
    } catch (error) {
      // A limiter that cannot count must not take the chat down with it.
      this.logger.warn(`rate limit store unavailable, allowing: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (record.isBlocked || record.totalHits > rule.limit) {
      const retryAfterMs = Math.max(1, record.timeToBlockExpire || record.timeToExpire) * 1000;
      throw new DomainError(ErrorCode.RATE_LIMITED, `Too many ${rule.name} requests; retry in ${Math.ceil(retryAfterMs / 1000)} s`, {
        retryAfterMs,
      });
    }
  }
}
