import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiZodResponse } from '../common/openapi.js';
import { presenceSchema } from '../contract/realtime.js';
import type { Actor } from '../auth/actor.js';
import { Authenticated, CurrentActor } from '../auth/auth.guard.js';
import { PresenceService } from './presence.service.js';

@ApiTags('presence')
@Controller('chat')
@Authenticated()
export class PresenceController {
  constructor(private readonly presence: PresenceService) {}

  @Get('presence')
  @ApiZodResponse(200, presenceSchema)
  @ApiOperation({ summary: 'Who is online: admins see everyone, users see whether support is online' })
  get(@CurrentActor() actor: Actor) {
    return this.presence.view(actor);
  }
}
