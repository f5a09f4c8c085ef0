import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../auth/actor.js';
import { Authenticated, CurrentActor } from '../auth/auth.guard.js';
import { ApiZodBody } from '../common/openapi.js';
import { idPathSchema } from '../contract/common.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { type RateConversationInput, rateConversationSchema } from '../contract/ratings.js';
import { RatingsService } from './ratings.service.js';

@ApiTags('ratings')
@Controller('chat')
@Authenticated()
export class RatingsController {
  constructor(private readonly ratings: RatingsService) {}

  @Post('conversations/:id/rating')
  @ApiOperation({
    summary:
      'The conversation’s user rates it (score 1..5, comment?) while it is CLOSED, once per closing (409 again or while ACTIVE; 404 for anyone else)',
  })
  @ApiParam({ name: 'id', type: Number })
  @ApiZodBody(rateConversationSchema)
  rate(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(idPathSchema)) params: { id: number },
    @Body(new ZodValidationPipe(rateConversationSchema)) body: RateConversationInput,
  ) {
    return this.ratings.rate(actor, params.id, body);
  }
}
