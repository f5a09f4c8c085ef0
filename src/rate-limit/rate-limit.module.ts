import { Module } from '@nestjs/common';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { REDIS, type RedisClients } from '../redis/redis.js';
import { RateLimiter, RATE_LIMIT_STORAGE } from './rate-limiter.service.js';
import { RedisThrottlerStorage } from './redis-throttler.storage.js';

@Module({
  providers: [
    {
      provide: RATE_LIMIT_STORAGE,
      inject: [REDIS, APP_CONFIG],
      useFactory: (redis: RedisClients | null, config: AppConfig) =>
        redis && config.redis ? new RedisThrottlerStorage(redis.command, `${config.redis.prefix}:rate:`) : new ThrottlerStorageService(),
    },
    RateLimiter,
  ],
  exports: [RateLimiter],
})
export class RateLimitModule {}
