import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import type { Logger as PinoLogger } from 'pino';
import { AssignmentModule } from './assignment/assignment.module.js';
import { CannedResponsesModule } from './canned-responses/canned-responses.module.js';
import { RatingsModule } from './ratings/ratings.module.js';
import { ReportsModule } from './reports/reports.module.js';
import { AttachmentsModule } from './attachments/attachments.module.js';
import { AuthModule } from './auth/auth.module.js';
import { HttpConnectionsShutdown } from './common/http-connections.js';
import { type AppConfig } from './config/config.js';
import { ConfigModule } from './config/config.module.js';
import { ConversationsModule } from './conversations/conversations.module.js';
import type { DatabaseHandle } from './database/database.js';
import { DatabaseModule } from './database/database.module.js';
import { EmailModule } from './email/email.module.js';
import { HealthController } from './health/health.controller.js';
import { MessagesModule } from './messages/messages.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { PresenceModule } from './presence/presence.module.js';
import { PushModule } from './push/push.module.js';
import { SearchModule } from './search/search.module.js';
import { RateLimitModule } from './rate-limit/rate-limit.module.js';
import type { RedisClients } from './redis/redis.js';
import { RedisModule } from './redis/redis.module.js';
import { ChatGatewayModule } from './gateway/chat-gateway.module.js';
import { RealtimeModule } from './realtime/realtime.module.js';
import { UsersModule } from './users/users.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';
import { WidgetModule } from './widget/widget.module.js';
import { WebAppController } from './web/web-app.controller.js';
import { readIndexHtml, WEB_INDEX_HTML } from './web/web-app.js';

@Module({})
export class AppModule {
  static register(config: AppConfig, database: DatabaseHandle, redis: RedisClients | undefined, appLogger: PinoLogger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // Application logs go through pino; request lines are written by the onResponse hook (see app.ts).
        LoggerModule.forRoot({ pinoHttp: { logger: appLogger }, forRoutes: [] }),
        TerminusModule,
        ConfigModule.forConfig(config),
        DatabaseModule.forHandle(database),
        RedisModule.forClients(redis),
        RealtimeModule,
        MetricsModule,
        RateLimitModule,
        PresenceModule,
        AuthModule,
        UsersModule,
        ConversationsModule,
        MessagesModule,
        ChatGatewayModule,
        WebhooksModule,
        PushModule,
        SearchModule,
        AttachmentsModule,
        // Agent workflow (issue 13).
        AssignmentModule,
        CannedResponsesModule,
        RatingsModule,
        ReportsModule,
        // Email notifications and replies by email (issue 14).
        EmailModule,
        WidgetModule,
      ],
      controllers: [HealthController, WebAppController],
      providers: [{ provide: WEB_INDEX_HTML, useValue: readIndexHtml(config.webDistDir) }, HttpConnectionsShutdown],
    };
  }
}
