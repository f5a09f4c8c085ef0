import { Body, Controller, Get, Param, Patch, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { conversationListItemSchema, conversationSchema, unreadCountSchema } from '../contract/conversations.js';
import type { FastifyReply } from 'fastify';
import type { Actor } from '../auth/actor.js';
import { Authenticated, CurrentActor } from '../auth/auth.guard.js';
import { ApiZodBody, ApiZodQuery, ApiZodResponse } from '../common/openapi.js';
import { nextLink } from '../common/pagination.js';
import { idPathSchema } from '../contract/common.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import {
  type ConversationCountsQuery,
  conversationCountsQuerySchema,
  conversationCountsSchema,
  type ListConversationsQuery,
  listConversationsQuerySchema,
  type UpdateConversationInput,
  updateConversationSchema,
} from '../contract/conversations.js';
import { ConversationsService } from './conversations.service.js';

const idPipe = new ZodValidationPipe(idPathSchema);

@ApiTags('conversations')
@Controller('chat')
@Authenticated()
export class ConversationsController {
  constructor(private readonly conversations: ConversationsService) {}

  @Get('conversations')
  @ApiZodResponse(200, z.array(conversationListItemSchema))
  @ApiOperation({ summary: 'Conversations, newest activity first (admins: all; users: their own). Next page in the Link header.' })
  @ApiZodQuery(listConversationsQuerySchema)
  async list(
    @CurrentActor() actor: Actor,
    @Query(new ZodValidationPipe(listConversationsQuerySchema)) query: ListConversationsQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const page = await this.conversations.list(actor, query);
    if (page.nextCursor) {
      reply.header(
        'Link',
        nextLink('/chat/conversations', {
          status: query.status,
          q: query.q,
          assignee: query.assignee,
          limit: query.limit,
          cursor: page.nextCursor,
        }),
      );
    }
    return page.items;
  }

  @Get('conversations/counts')
  @ApiZodResponse(200, conversationCountsSchema)
  @ApiOperation({ summary: 'Admins: {mine, unassigned, all} conversation counts (of one status when given), for the inbox tabs' })
  @ApiZodQuery(conversationCountsQuerySchema)
  counts(@CurrentActor() actor: Actor, @Query(new ZodValidationPipe(conversationCountsQuerySchema)) query: ConversationCountsQuery) {
    return this.conversations.assignmentCounts(actor, query.status);
  }

  @Get('conversations/:id')
  @ApiZodResponse(200, conversationListItemSchema)
  @ApiOperation({ summary: 'One conversation (404 when it is not yours)' })
  @ApiParam({ name: 'id', type: Number })
  get(@CurrentActor() actor: Actor, @Param(idPipe) params: { id: number }) {
    return this.conversations.get(actor, params.id);
  }

  @Patch('conversations/:id')
  @ApiZodResponse(200, conversationSchema)
  @ApiOperation({
    summary:
      'Close or reopen, assign or unassign (admins only; expectedAssigneeId makes the assignment a compare-and-set: 409 with the current assignee); emits conversationUpdated',
  })
  @ApiParam({ name: 'id', type: Number })
  @ApiZodBody(updateConversationSchema)
  update(
    @CurrentActor() actor: Actor,
    @Param(idPipe) params: { id: number },
    @Body(new ZodValidationPipe(updateConversationSchema)) body: UpdateConversationInput,
  ) {
    return this.conversations.update(actor, params.id, body);
  }

  @Get('unread-count')
  @ApiZodResponse(200, unreadCountSchema)
  @ApiOperation({ summary: 'Unread messages from the other side: {count, conversations: [{conversationId, count}]}' })
  unreadCount(@CurrentActor() actor: Actor) {
    return this.conversations.unreadCount(actor);
  }
}
