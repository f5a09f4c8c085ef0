import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { REDIS, type RedisClients } from './redis.js';

class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: RedisClients | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.close();
  }
}

// REDIS is null without REDIS_URL: one instance, everything in process.
@Global()
@Module({})
export class RedisModule {
  static forClients(clients: RedisClients | undefined): DynamicModule {
    return {
      module: RedisModule,
      providers: [{ provide: REDIS, useValue: clients ?? null }, RedisCloser],
      exports: [REDIS],
    };
  }
}
