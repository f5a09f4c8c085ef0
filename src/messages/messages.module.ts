import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { EventsModule } from '../events/events.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { RateLimitModule } from '../rate-limit/rate-limit.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { UsersModule } from '../users/users.module.js';
import { AppendBatcher } from './append-batcher.js';
import { MessageHistoryService } from './message-history.service.js';
import { MessagesController } from './messages.controller.js';
import { MessagesRepository } from './messages.repository.js';
import { MessagesService } from './messages.service.js';
import { ReadReceiptsService } from './read-receipts.service.js';

// Messages end to end: storing (seq, reopen, outbox rows), history and sync, read receipts.
@Module({
  imports: [AuthModule, UsersModule, ConversationsModule, EventsModule, RealtimeModule, RateLimitModule, MetricsModule],
  controllers: [MessagesController],
  providers: [MessagesService, MessageHistoryService, ReadReceiptsService, MessagesRepository, AppendBatcher],
  exports: [MessagesService, MessageHistoryService, ReadReceiptsService, MessagesRepository],
})
export class MessagesModule {}
