import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../auth/actor.js';
import { Authenticated, CurrentActor } from '../auth/auth.guard.js';
import { ApiZodBody } from '../common/openapi.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { type PushSubscriptionInput, pushSubscriptionSchema, type UnsubscribeInput, unsubscribeSchema } from '../contract/push.js';
import { PushService } from './push.service.js';

@ApiTags('push')
@Controller('chat/push')
@Authenticated()
export class PushController {
  constructor(private readonly push: PushService) {}

  @Get('vapid-public-key')
  @ApiOperation({ summary: 'The VAPID public key: pushManager.subscribe({userVisibleOnly: true, applicationServerKey: publicKey})' })
  publicKey() {
    return this.push.publicKey();
  }

  @Post('subscriptions')
  @ApiOperation({ summary: 'Register this browser’s PushSubscription (its toJSON()) for the current user; same endpoint again updates it' })
  @ApiZodBody(pushSubscriptionSchema)
  subscribe(@CurrentActor() actor: Actor, @Body(new ZodValidationPipe(pushSubscriptionSchema)) body: PushSubscriptionInput) {
    return this.push.subscribe(actor, body);
  }

  @Delete('subscriptions')
  @HttpCode(204)
  @ApiOperation({ summary: 'Stop notifications to one of your endpoints (404 when it is not yours)' })
  @ApiZodBody(unsubscribeSchema)
  async unsubscribe(@CurrentActor() actor: Actor, @Body(new ZodValidationPipe(unsubscribeSchema)) body: UnsubscribeInput): Promise<void> {
    await this.push.unsubscribe(actor, body);
  }
}
