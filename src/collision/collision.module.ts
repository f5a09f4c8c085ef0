import { ConversationsModule } from '../conversations/conversations.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { REDIS, type RedisClients } from '../redis/redis.js';
import { CollisionService, VIEWERS_STORE } from './collision.service.js';
import { InProcessViewersStore, RedisViewersStore } from './viewers.store.js';

@Module({
  imports: [ConversationsModule, RealtimeModule],
  providers: [
    {
      provide: VIEWERS_STORE,
      inject: [REDIS, APP_CONFIG],
      useFactory: (redis: RedisClients | null, config: AppConfig) =>
        redis && config.redis ? new RedisViewersStore(redis.command, config.redis.prefix) : new InProcessViewersStore(),
    },
    CollisionService,
  ],
  exports: [CollisionService],
})
export class CollisionModule {}
