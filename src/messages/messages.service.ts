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
import { DomainEvents } from '../events/domain-events.js';
import { RealtimePublisher } from '../realtime/realtime.publisher.js';
import { ADMINS_ROOM, conversationAudience } from '../realtime/rooms.js';
import { UsersService } from '../users/users.service.js';
import {
  type AppendResult,
  AttachmentsUnavailableError,
  DuplicateClientMessageError,
  MessagesRepository,
  type NewMessage,
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
    private readonly events: DomainEvents,
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
    const message = await this.drain.track(() => this.store(actor, input, via));
    this.metrics.messagesSent.inc({ via });
    this.metrics.deliveryLatency.observe((performance.now() - started) / 1000);
    return message;
  }

  // Built once: the length limit is configuration.
  readonly sendSchema: ReturnType<typeof sendMessageSchema>;

  private async store(actor: Actor, input: SendMessageInput, via: 'rest' | 'socket'): Promise<MessageView> {
    if (!isAdmin(actor) && input.userId !== undefined && input.userId !== actor.id) {
      throw new DomainError(ErrorCode.FORBIDDEN, 'Users may only write in their own conversations');
    }
    if (input.isPrivate && !isAdmin(actor)) {
      throw new DomainError(ErrorCode.FORBIDDEN, 'Only admins may write private notes');
    }
    // A note never starts a conversation: the user would see one appear with nothing in it.
    if (input.isPrivate && input.conversationId === undefined) {
      throw new DomainError(ErrorCode.VALIDATION, 'A private note needs conversationId', {
        issues: [{ path: 'conversationId', message: 'required for a private note' }],
      });
    }
    // No lookup before storing: a retry of a stored send hits the unique index (sender, clientMessageId), its
    // statement rolls back whole, and the first row is answered below.
    const message = {
      senderId: actor.id,
      content: input.content,
      clientMessageId: input.clientMessageId,
      attachmentIds: input.attachmentIds,
      isPrivate: input.isPrivate,
    };
    let result: AppendResult | undefined;
    try {
      result = await this.appendForActor(actor, input, message);
    } catch (error) {
      if (error instanceof DuplicateClientMessageError && input.clientMessageId) {
        // Another instance stored the same send first: answer with its row.
        const first = await this.messages.findByClientMessageId(actor.id, input.clientMessageId);
        if (first) {
          return this.deliverAgain(first, via);
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
    if (view.isPrivate) {
      this.events.publish('note.stored', { message: view, conversationUserId: result.conversationUserId, via, isRedelivery: false });
      return view;
    }
    if (result.isNewConversation || result.previousStatus !== 'ACTIVE') {
      await this.conversations.announce(view.conversationId, result.isNewConversation ? 'conversation.created' : 'conversation.updated');
    }
    this.events.publish('message.stored', { message: view, conversationUserId: result.conversationUserId, via, isRedelivery: false });
    return view;
  }

  private async appendForActor(actor: Actor, input: SendMessageInput, message: NewMessage): Promise<AppendResult | undefined> {
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
  private async deliverAgain(message: MessageRecord, via: 'rest' | 'socket'): Promise<MessageView> {
    const view = toMessageView(message);
    const ownerId = await this.conversations.ownerOf(message.conversationId);
    if (ownerId !== undefined) {
      this.events.publish(view.isPrivate ? 'note.stored' : 'message.stored', {
        message: view,
        conversationUserId: ownerId,
        via,
        isRedelivery: true,
      });
    }
    return view;
  }

  // Every read path decides once whether notes are included: only for admins.
  async history(actor: Actor, conversationId: number, query: HistoryQuery): Promise<HistoryPage> {
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

  async markRead(actor: Actor, conversationId: number): Promise<ReadReceiptView> {
    const ownerId = await this.conversations.requireAccessibleOwner(actor, conversationId);
    const { count, readAt } = await this.messages.markRead(conversationId, unreadSideOf(actor));
    const receipt: ReadReceiptView = { conversationId, readerId: actor.id, readAt: readAt.toISOString(), count };
    if (count > 0) {
      this.events.publish('messages.read', { receipt, conversationUserId: ownerId });
    }
    return receipt;
  }

  // Typing is never stored and never echoed to the typer's own sockets. Typing a note reaches admins only.
  async typing(actor: Actor, conversationId: number, isTyping: boolean, socketId: string, isPrivate = false): Promise<void> {
    if (isPrivate && !isAdmin(actor)) {
      throw new DomainError(ErrorCode.FORBIDDEN, 'Only admins may write private notes');
    }
    await this.rateLimiter.consume({ name: 'typing', limit: this.config.rateLimits.typingPer10s, windowMs: 10_000 }, socketId);
    const ownerId = await this.conversations.requireAccessibleOwner(actor, conversationId);
    this.publisher.send(
      'userTyping',
      isPrivate ? [ADMINS_ROOM] : conversationAudience(ownerId),
      { conversationId, userId: actor.id, name: actor.name, role: actor.role, isTyping, isPrivate },
      { exceptUserId: actor.id },
    );
  }

  // Catch-up after a reconnect: every message after the client's last seq, per conversation, in seq order.
  async sync(actor: Actor, input: SyncInput): Promise<{ conversationId: number; messages: MessageView[]; hasMore: boolean }[]> {
    const results = [];
    for (const [key, lastSeq] of Object.entries(input.conversations)) {
      const conversationId = Number(key);
      await this.conversations.requireAccessibleOwner(actor, conversationId);
      const rows = await this.messages.pageAfter(conversationId, lastSeq, SYNC_PAGE + 1, isAdmin(actor));
      results.push({ conversationId, messages: rows.slice(0, SYNC_PAGE).map(toMessageView), hasMore: rows.length > SYNC_PAGE });
    }
    return results;
  }
}
