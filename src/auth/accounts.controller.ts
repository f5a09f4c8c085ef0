import { Body, Controller, Param, Patch } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiZodBody } from '../common/openapi.js';
import { idPathSchema } from '../common/validation.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { type UpdateUserInput, updateUserSchema } from '../contract/sessions.js';
import type { Actor } from './actor.js';
import { AccountsService } from './accounts.service.js';
import { Authenticated, CurrentActor } from './auth.guard.js';

// Lives beside the sessions it revokes; the rest of /users is in users/.
@ApiTags('users')
@Controller('users')
@Authenticated({ admin: true })
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Patch(':id')
  @ApiOperation({
    summary: 'Change an account (admins only): role, name, isActive. A role change or deactivation ends its access tokens and sockets',
  })
  @ApiZodBody(updateUserSchema)
  update(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(idPathSchema)) params: { id: number },
    @Body(new ZodValidationPipe(updateUserSchema)) body: UpdateUserInput,
  ) {
    return this.accounts.update(actor, params.id, body);
  }
}
