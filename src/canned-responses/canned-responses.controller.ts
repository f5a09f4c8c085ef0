import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../auth/actor.js';
import { Authenticated, CurrentActor } from '../auth/auth.guard.js';
import { ApiZodBody, ApiZodQuery } from '../common/openapi.js';
import { idPathSchema } from '../contract/common.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import {
  createCannedResponseSchema,
  type ListCannedResponsesQuery,
  listCannedResponsesQuerySchema,
  updateCannedResponseSchema,
} from '../contract/canned-responses.js';
import { CannedResponsesService } from './canned-responses.service.js';

const DOCUMENTED_MAX_LENGTH = 4000;
const idPipe = new ZodValidationPipe(idPathSchema);

@ApiTags('canned responses')
@Controller('chat/canned-responses')
@Authenticated()
export class CannedResponsesController {
  constructor(private readonly canned: CannedResponsesService) {}

  @Get()
  @ApiOperation({ summary: 'Canned responses (admins), short codes starting with q first, then content matches' })
  @ApiZodQuery(listCannedResponsesQuerySchema)
  list(@CurrentActor() actor: Actor, @Query(new ZodValidationPipe(listCannedResponsesQuerySchema)) query: ListCannedResponsesQuery) {
    return this.canned.list(actor, query);
  }

  @Post()
  @ApiOperation({ summary: 'Create a canned response (admins); 409 when the short code is taken' })
  @ApiZodBody(createCannedResponseSchema(DOCUMENTED_MAX_LENGTH))
  create(@CurrentActor() actor: Actor, @Body() body: unknown) {
    return this.canned.create(actor, body);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a canned response (admins)' })
  @ApiParam({ name: 'id', type: Number })
  @ApiZodBody(updateCannedResponseSchema(DOCUMENTED_MAX_LENGTH))
  update(@CurrentActor() actor: Actor, @Param(idPipe) params: { id: number }, @Body() body: unknown) {
    return this.canned.update(actor, params.id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a canned response (admins)' })
  @ApiParam({ name: 'id', type: Number })
  async delete(@CurrentActor() actor: Actor, @Param(idPipe) params: { id: number }): Promise<void> {
    await this.canned.delete(actor, params.id);
  }
}
