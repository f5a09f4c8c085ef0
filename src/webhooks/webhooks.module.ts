import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { WebhookOutboxRepository } from './webhook-outbox.repository.js';
import { WebhookDispatcher } from './webhook.dispatcher.js';

// Delivers the webhook outbox (written by src/events/outbox.sql.ts) to WEBHOOK_URL.
@Module({
  imports: [EventsModule],
  providers: [WebhookOutboxRepository, WebhookDispatcher],
})
export class WebhooksModule {}
