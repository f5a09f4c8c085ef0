import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { messageSchema, readReceiptSchema } from '../contract/messages.js';
import type { FastifyReply } from 'fastify';
import type { Actor } from '../auth/actor.js';
import { Authenticated, CurrentActor } from '../auth/auth.guard.js';
import { ApiZodBody, ApiZodQuery, ApiZodResponse } from '../common/openapi.js';
import { nextLink } from '../common/pagination.js';
import { idPathSchema } from '../contract/common.js';
import { parseInput } from '../common/validation.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { type HistoryQuery, historyQuerySchema, sendMessageSchema } from '../contract/messages.js';
import { MessageHistoryService } from './message-history.service.js';
import { MessagesService } from './messages.service.js';
import { ReadReceiptsService } from './read-receipts.service.js';

const DOCUMENTED_MAX_LENGTH = 4000;

@ApiTags('messages')
@Controller('chat')
@Authenticated()
export class MessagesController {
  constructor(
    private readonly messages: MessagesService,
    private readonly history: MessageHistoryService,
    private readonly readReceipts: ReadReceiptsService,
  ) {}

  @Post('messages')
  @ApiZodResponse(201, messageSchema)
  @ApiOperation({
    summary: 'Send a message. Users: into their ACTIVE conversation (created if none). Admins: conversationId, or userId to start one.',
  })
  @ApiZodBody(sendMessageSchema(DOCUMENTED_MAX_LENGTH))
  send(@CurrentActor() actor: Actor, @Body() body: unknown) {
    // The length limit is configuration, so the schema is built from it rather than fixed in a decorator.
    return this.messages.send(actor, parseInput(this.messages.sendSchema, body, 'request body'), 'rest');
  }

  @Get('conversations/:id/messages')
  @ApiZodResponse(200, z.array(messageSchema))
  @ApiOperation({ summary: 'Messages oldest to newest: the newest page, ?before=<messageId> for older, ?afterSeq= to catch up' })
  @ApiParam({ name: 'id', type: Number })
  @ApiZodQuery(historyQuerySchema)
  async readHistory(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(idPathSchema)) params: { id: number },
    @Query(new ZodValidationPipe(historyQuerySchema)) query: HistoryQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const page = await this.history.readSerialised(actor, params.id, query);
    if (page.next) {
      reply.header('Link', nextLink(`/chat/conversations/${params.id}/messages`, { ...page.next, limit: query.limit }));
    }
    // Already JSON: the content type Fastify gives the JSON it serialises itself, so the answer is the same.
    reply.type('application/json; charset=utf-8');
    return page.body;
  }

  @Post('conversations/:id/read')
  @ApiZodResponse(200, readReceiptSchema)
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark the other side’s messages read; returns how many; emits messagesRead' })
  @ApiParam({ name: 'id', type: Number })
  markRead(@CurrentActor() actor: Actor, @Param(new ZodValidationPipe(idPathSchema)) params: { id: number }) {
    return this.readReceipts.markRead(actor, params.id);
  }
}
