import { Module } from '@nestjs/common';
import { WebhookOutboxRepository } from './webhook-outbox.repository.js';
import { WebhookDispatcher } from './webhook.dispatcher.js';

// Delivers the webhook outbox (see webhook-outbox.sql.ts) to WEBHOOK_URL.
@Module({
  providers: [WebhookOutboxRepository, WebhookDispatcher],
})
export class WebhooksModule {}
