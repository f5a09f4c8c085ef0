import { Inject, Injectable } from '@nestjs/common';
import { type Actor, isAdmin } from '../auth/actor.js';
import { DomainError, ErrorCode } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import type { HistoryQuery, MessageView, SyncInput } from '../contract/messages.js';
import { ConversationsService } from '../conversations/conversations.service.js';
import { toMessageView } from './message.records.js';
import { MessagesRepository } from './messages.repository.js';

const SYNC_PAGE = 500;

export interface HistoryPage {
  items: MessageView[];
  next?: { before: number } | { afterSeq: number };
}

// Reading what was stored: history pages (newest, older, around a message, after a seq) and sync.
@Injectable()
export class MessageHistoryService {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly conversations: ConversationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // Every read path decides once whether private notes are included: only for admins.
  async read(actor: Actor, conversationId: number, query: HistoryQuery): Promise<HistoryPage> {
    await this.conversations.requireAccessibleOwner(actor, conversationId);
    const includePrivate = isAdmin(actor);
    if (query.afterSeq !== undefined) {
      const rows = await this.messages.pageAfter(conversationId, query.afterSeq, query.limit + 1, includePrivate);
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      return { items: page.map(toMessageView), next: rows.length > query.limit && last ? { afterSeq: last.seq } : undefined };
    }
    let beforeSeq: number | undefined;
    const anchorId = query.before ?? query.around;
    if (anchorId !== undefined) {
      const anchorSeq = await this.messages.seqOf(conversationId, anchorId, includePrivate);
      const field = query.before !== undefined ? 'before' : 'around';
      if (anchorSeq === undefined) {
        throw new DomainError(ErrorCode.VALIDATION, `${field}: no such message in this conversation`, {
          issues: [{ path: field, message: 'no such message in this conversation' }],
        });
      }
      // around: the anchor and up to half a page of newer messages, the rest older.
      beforeSeq = query.before !== undefined ? anchorSeq : anchorSeq + Math.floor(query.limit / 2) + 1;
    }
    const rows = await this.messages.pageBefore(conversationId, beforeSeq, query.limit + 1, includePrivate);
    const page = rows.length > query.limit ? rows.slice(1) : rows;
    const first = page[0];
    return { items: page.map(toMessageView), next: rows.length > query.limit && first ? { before: first.id } : undefined };
  }

  // Catch-up after a reconnect: every message after the client's last seq, per conversation, in seq order.
  async sync(actor: Actor, input: SyncInput): Promise<{ conversationId: number; messages: MessageView[]; hasMore: boolean }[]> {
    const results = [];
    // One ack carries at most SYNC_MAX_MESSAGES in all; the rest is hasMore (the client syncs again from there).
    let budget = this.config.syncMaxMessages;
    for (const [key, lastSeq] of Object.entries(input.conversations)) {
      const conversationId = Number(key);
      await this.conversations.requireAccessibleOwner(actor, conversationId);
      const page = Math.min(SYNC_PAGE, budget);
      if (page === 0) {
        results.push({ conversationId, messages: [], hasMore: true });
        continue;
      }
      const rows = await this.messages.pageAfter(conversationId, lastSeq, page + 1, isAdmin(actor));
      const messages = rows.slice(0, page);
      budget -= messages.length;
      results.push({ conversationId, messages: messages.map(toMessageView), hasMore: rows.length > page });
    }
    return results;
  }
}
