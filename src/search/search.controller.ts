import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { searchResultSchema } from '../contract/search.js';
import type { FastifyReply } from 'fastify';
import type { Actor } from '../auth/actor.js';
import { Authenticated, CurrentActor } from '../auth/auth.guard.js';
import { ApiZodQuery, ApiZodResponse } from '../common/openapi.js';
import { nextLink } from '../common/pagination.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { type SearchQuery, searchQuerySchema } from '../contract/search.js';
import { SearchService } from './search.service.js';

@ApiTags('search')
@Controller('chat')
@Authenticated()
export class SearchController {
  constructor(private readonly search: SearchService) {}

  @Get('search')
  @ApiZodResponse(200, z.array(searchResultSchema))
  @ApiOperation({ summary: 'Full-text search over messages (users: their own conversations), newest first, with highlighted snippets' })
  @ApiZodQuery(searchQuerySchema)
  async find(
    @CurrentActor() actor: Actor,
    @Query(new ZodValidationPipe(searchQuerySchema)) query: SearchQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const page = await this.search.find(actor, query);
    if (page.nextCursor !== undefined) {
      reply.header(
        'Link',
        nextLink('/chat/search', { q: query.q, conversationId: query.conversationId, limit: query.limit, cursor: page.nextCursor }),
      );
    }
    return page.items;
  }
}
