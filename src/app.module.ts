import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { randomUUID } from 'node:crypto';
import { LoggerModule } from 'nestjs-pino';
import { AuthModule } from './auth/auth.module.js';
import { APP_CONFIG, type AppConfig } from './config/config.js';
import type { DatabaseHandle } from './database/database.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthController } from './health/health.controller.js';
import { MessagesModule } from './messages/messages.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { PresenceModule } from './presence/presence.module.js';
import { RateLimitModule } from './rate-limit/rate-limit.module.js';
import type { RedisClients } from './redis/redis.js';
import { RedisModule } from './redis/redis.module.js';
import { ChatGatewayModule } from './realtime/chat-gateway.module.js';
import { RealtimeModule } from './realtime/realtime.module.js';
import { UsersModule } from './users/users.module.js';
import { WebAppController } from './web/web-app.controller.js';
import { readIndexHtml, WEB_INDEX_HTML } from './web/web-app.js';

@Module({})
export class AppModule {
  static register(config: AppConfig, database: DatabaseHandle, redis: RedisClients | undefined): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            // One line per request, on completion, with its latency (responseTime).
            genReqId: (request) => (request.headers['x-request-id'] as string | undefined)?.slice(0, 64) ?? randomUUID(),
            redact: ['req.headers.authorization', 'req.headers.cookie'],
            autoLogging: { ignore: (request) => request.url === '/health' || request.url === '/metrics' },
            customLogLevel: (_request, response, error) =>
              error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info',
          },
        }),
        TerminusModule,
        DatabaseModule.forHandle(database),
        RedisModule.forClients(redis),
        RealtimeModule,
        MetricsModule,
        RateLimitModule,
        PresenceModule,
        AuthModule,
        UsersModule,
        MessagesModule,
        ChatGatewayModule,
      ],
      controllers: [HealthController, WebAppController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: WEB_INDEX_HTML, useValue: readIndexHtml(config.webDistDir) },
      ],
      exports: [APP_CONFIG],
    };
  }
}
