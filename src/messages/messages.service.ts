import { Inject, Injectable } from '@nestjs/common';
import { type Actor, isAdmin } from '../auth/actor.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { DomainError, ErrorCode, notFound } from '../common/errors.js';
import { toMessageView } from '../conversations/conversation.mappers.js';
import type { MessageRecord } from '../conversations/conversation.records.js';
import type { MessageView, ReadReceiptView } from '../conversations/conversation.views.js';
import { ConversationsService, unreadSideOf } from '../conversations/conversations.service.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { RateLimiter } from '../rate-limit/rate-limiter.service.js';
import { DrainService } from '../realtime/drain.service.js';
import { MessageEvents } from '../realtime/message-events.js';
import { RealtimePublisher } from '../realtime/realtime.publisher.js';
import { conversationAudience } from '../realtime/rooms.js';
import { UsersService } from '../users/users.service.js';
import {
  type AppendResult,
  AttachmentsUnavailableError,
  DuplicateClientMessageError,
  MessagesRepository,
  ReopenConflictError,
} from './messages.repository.js';
import { type HistoryQuery, type SendMessageInput, sendMessageSchema, type SyncInput } from './messages.schemas.js';

const SYNC_PAGE = 500;

export interface HistoryPage {
  items: MessageView[];
  next?: { before: number } | { afterSeq: number };
}

@Injectable()
export class MessagesService {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly conversations: ConversationsService,
    private readonly users: UsersService,
    private readonly publisher: RealtimePublisher,
    private readonly rateLimiter: RateLimiter,
    private readonly drain: DrainService,
    private readonly metrics: MetricsService,
    private readonly messageEvents: MessageEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.sendSchema = sendMessageSchema(config.maxMessageLength);
  }

  // The send acknowledgement (HTTP 201 or socket ack) follows the commit; a shutdown waits for sends in flight.
  async send(actor: Actor, input: SendMessageInput, via: 'rest' | 'socket'): Promise<MessageView> {
    const started = performance.now();
    await this.rateLimiter.consume(
      { name: 'message', limit: this.config.rateLimits.messagesPerMinute, windowMs: 60_000 },
      String(actor.id),
    );
    const message = await this.drain.track(() => this.store(actor, input));
    this.metrics.messagesSent.inc({ via });
    this.metrics.deliveryLatency.observe((performance.now() - started) / 1000);
    return message;
  }

  // Built once: the length limit is configuration.
  readonly sendSchema: ReturnType<typeof sendMessageSchema>;

  private async store(actor: Actor, input: SendMessageInput): Promise<MessageView> {
    if (!isAdmin(actor) && input.userId !== undefined && input.userId !== actor.id) {
      throw new DomainError(ErrorCode.FORBIDDEN, 'Users may only write in their own conversations');
    }
    // No lookup before storing: a retry of a stored send hits the unique index (sender, clientMessageId), its
    // statement rolls back whole, and the first row is answered below.
    const message = {
      senderId: actor.id,
      content: input.content,
      clientMessageId: input.clientMessageId,
      attachmentIds: input.attachmentIds,
    };
    let result: AppendResult | undefined;
    try {
      result = await this.appendForActor(actor, input, message);
    } catch (error) {
      if (error instanceof DuplicateClientMessageError && input.clientMessageId) {
        // Another instance stored the same send first: answer with its row.
        const first = await this.messages.findByClientMessageId(actor.id, input.clientMessageId);
        if (first) {
          return this.deliverAgain(first);
        }
      }
      if (error instanceof AttachmentsUnavailableError) {
        throw new DomainError(ErrorCode.VALIDATION, 'attachmentIds: each must be your own upload, not yet attached to a message', {
          issues: [{ path: 'attachmentIds', message: 'each must be your own upload, not yet attached to a message' }],
        });
      }
      if (error instanceof ReopenConflictError) {
        throw new DomainError(ErrorCode.CONFLICT, 'This user already has another ACTIVE conversation; write there instead');
      }
      throw error;
    }
    if (!result) {
      throw notFound();
    }
    const view = toMessageView(result.message);
    if (result.isNewConversation || result.previousStatus !== 'ACTIVE') {
      await this.conversations.publishUpdatedById(view.conversationId);
    }
    this.publishMessage(view, result.conversationUserId);
    this.messageEvents.stored({ message: view, conversationUserId: result.conversationUserId });
    return view;
  }

  private async appendForActor(
    actor: Actor,
    input: SendMessageInput,
    message: { senderId: number; content: string; clientMessageId?: string; attachmentIds: string[] },
  ): Promise<AppendResult | undefined> {
    if (input.conversationId !== undefined) {
      const ownerId = await this.conversations.requireAccessibleOwner(actor, input.conversationId);
      if (input.userId !== undefined && input.userId !== ownerId) {
        throw new DomainError(ErrorCode.VALIDATION, 'userId does not match the conversation’s user', {
          issues: [{ path: 'userId', message: 'does not match the conversation’s user' }],
        });
      }
      return this.messages.append(input.conversationId, message);
    }
    if (!isAdmin(actor)) {
      return this.messages.appendToActiveConversation(actor.id, message);
    }
    if (input.userId === undefined) {
      throw new DomainError(ErrorCode.VALIDATION, 'Admins must give conversationId or userId', {
        issues: [{ path: 'userId', message: 'required when conversationId is absent' }],
      });
    }
    const target = await this.users.findById(input.userId);
    if (!target) {
      throw new DomainError(ErrorCode.USER_NOT_FOUND, 'User not found');
    }
    if (target.role !== 'USER') {
      throw new DomainError(ErrorCode.VALIDATION, 'userId must name a USER account: admins do not have conversations', {
        issues: [{ path: 'userId', message: 'must name a USER account' }],
      });
    }
    return this.messages.appendToActiveConversation(target.id, message);
  }

  // A retried send may follow a crash between commit and emit: emit again, receivers drop duplicates by id.
  private async deliverAgain(message: MessageRecord): Promise<MessageView> {
    const view = toMessageView(message);
    const ownerId = await this.conversations.ownerOf(message.conversationId);
    if (ownerId !== undefined) {
      this.publishMessage(view, ownerId);
    }
    return view;
  }

  // The view made for the ack is the one broadcast: mapped once per send.
  private publishMessage(view: MessageView, conversationUserId: number): void {
    this.publisher.send('newMessage', conversationAudience(conversationUserId), view);
  }

  async history(actor: Actor, conversationId: number, query: HistoryQuery): Promise<HistoryPage> {
    await this.conversations.requireAccessibleOwner(actor, conversationId);
    if (query.afterSeq !== undefined) {
      const rows = await this.messages.pageAfter(conversationId, query.afterSeq, query.limit + 1);
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      return { items: page.map(toMessageView), next: rows.length > query.limit && last ? { afterSeq: last.seq } : undefined };
    }
    let beforeSeq: number | undefined;
    const anchorId = query.before ?? query.around;
    if (anchorId !== undefined) {
      const anchorSeq = await this.messages.seqOf(conversationId, anchorId);
      const field = query.before !== undefined ? 'before' : 'around';
      if (anchorSeq === undefined) {
        throw new DomainError(ErrorCode.VALIDATION, `${field}: no such message in this conversation`, {
          issues: [{ path: field, message: 'no such message in this conversation' }],
        });
      }
      // around: the anchor and up to half a page of newer messages, the rest older.
      beforeSeq = query.before !== undefined ? anchorSeq : anchorSeq + Math.floor(query.limit / 2) + 1;
    }
    const rows = await this.messages.pageBefore(conversationId, beforeSeq, query.limit + 1);
    const page = rows.length > query.limit ? rows.slice(1) : rows;
    const first = page[0];
    return { items: page.map(toMessageView), next: rows.length > query.limit && first ? { before: first.id } : undefined };
  }

  async markRead(actor: Actor, conversationId: number): Promise<ReadReceiptView> {
    const ownerId = await this.conversations.requireAccessibleOwner(actor, conversationId);
    const { count, readAt } = await this.messages.markRead(conversationId, unreadSideOf(actor));
    const receipt: ReadReceiptView = { conversationId, readerId: actor.id, readAt: readAt.toISOString(), count };
    if (count > 0) {
      this.publisher.send('messagesRead', conversationAudience(ownerId), receipt);
    }
    return receipt;
  }

  // Typing is never stored and never echoed to the typer's own sockets.
  async typing(actor: Actor, conversationId: number, isTyping: boolean, socketId: string): Promise<void> {
    await this.rateLimiter.consume({ name: 'typing', limit: this.config.rateLimits.typingPer10s, windowMs: 10_000 }, socketId);
    const ownerId = await this.conversations.requireAccessibleOwner(actor, conversationId);
    this.publisher.send(
      'userTyping',
      conversationAudience(ownerId),
      { conversationId, userId: actor.id, name: actor.name, role: actor.role, isTyping },
      { exceptUserId: actor.id },
    );
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
      const rows = await this.messages.pageAfter(conversationId, lastSeq, page + 1);
      const messages = rows.slice(0, page);
      budget -= messages.length;
      results.push({ conversationId, messages: messages.map(toMessageView), hasMore: rows.length > page });
    }
    return results;
  }
}
