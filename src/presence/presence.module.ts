import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { REDIS, type RedisClients } from '../redis/redis.js';
import { PresenceController } from './presence.controller.js';
import { PRESENCE_STORE, PresenceService } from './presence.service.js';
import { InProcessPresenceStore } from './presence.store.js';
import { RedisPresenceStore } from './redis-presence.store.js';

@Global()
@Module({
  controllers: [PresenceController],
  providers: [
    {
      provide: PRESENCE_STORE,
      inject: [REDIS, APP_CONFIG],
      useFactory: (redis: RedisClients | null, config: AppConfig) =>
        redis && config.redis
          ? new RedisPresenceStore(redis.command, config.presenceTtlMs, config.redis.prefix)
          : new InProcessPresenceStore(),
    },
    PresenceService,
  ],
  exports: [PresenceService],
})
export class PresenceModule {}
