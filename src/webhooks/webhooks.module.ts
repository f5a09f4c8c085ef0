import { Module } from '@nestjs/common';

// Delivers the webhook outbox (see webhook-outbox.sql.ts) to WEBHOOK_URL.
@Module({})
export class WebhooksModule {}
