import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { type Actor, isAdmin } from '../auth/actor.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { toMessageView } from '../messages/message.records.js';
import { ConversationsService } from '../conversations/conversations.service.js';
import { GREATER_THAN, HIGHLIGHT_START, HIGHLIGHT_STOP, LESS_THAN, SearchRepository } from './search.repository.js';
import type { SearchQuery } from '../contract/search.js';
import type { SearchResultView, SnippetPart } from '../contract/search.js';

export function toSnippet(headline: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  const text = headline.replaceAll(LESS_THAN, '<').replaceAll(GREATER_THAN, '>');
  for (const [index, chunk] of text.split(HIGHLIGHT_START).entries()) {
    const [highlighted, rest] = index === 0 ? [undefined, chunk] : chunk.split(HIGHLIGHT_STOP);
    if (highlighted) {
      parts.push({ text: highlighted, highlight: true });
    }
    if (rest) {
      parts.push({ text: rest.replaceAll(HIGHLIGHT_STOP, ''), highlight: false });
    }
  }
  return parts;
}

@Injectable()
export class SearchService implements OnModuleInit {
  private readonly logger = new Logger(SearchService.name);
  private language = 'simple';

  constructor(
    private readonly search: SearchRepository,
    private readonly conversations: ConversationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const wanted = this.config.searchLanguage;
    if (wanted === 'simple') {
      return;
    }
    if (!(await this.search.isKnownLanguage(wanted))) {
      this.logger.warn(`SEARCH_LANGUAGE "${wanted}" is not a text search configuration of this database; using "simple"`);
      return;
    }
    await this.search.ensureLanguageIndex(wanted);
    this.language = wanted;
  }

  // Users search their own conversations, admins all of them; newest first.
  async find(actor: Actor, query: SearchQuery): Promise<{ items: SearchResultView[]; nextCursor?: number }> {
    if (query.conversationId !== undefined) {
      await this.conversations.requireAccessibleOwner(actor, query.conversationId);
    }
    const hits = await this.search.search({
      query: query.q,
      language: this.language,
      userId: isAdmin(actor) ? undefined : actor.id,
      includePrivate: isAdmin(actor),
      conversationId: query.conversationId,
      beforeId: query.cursor,
      limit: query.limit + 1,
    });
    const page = hits.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map((hit) => ({ message: toMessageView(hit.message), conversation: hit.conversation, snippet: toSnippet(hit.headline) })),
      nextCursor: hits.length > query.limit && last ? last.message.id : undefined,
    };
  }
}
