import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { RateLimitModule } from '../rate-limit/rate-limit.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { REDIS, type RedisClients } from '../redis/redis.js';
import { PresenceController } from './presence.controller.js';
import { PRESENCE_STORE, PresenceService } from './presence.service.js';
import { InProcessPresenceStore } from './presence.store.js';
import { RedisPresenceStore } from './redis-presence.store.js';
import { TypingService } from './typing.service.js';

// Ephemeral signals: who is online, who is typing.
@Module({
  imports: [AuthModule, ConversationsModule, RealtimeModule, RateLimitModule],
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
    TypingService,
  ],
  exports: [PresenceService, TypingService],
})
export class PresenceModule {}
