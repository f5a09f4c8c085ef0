import { Inject, Injectable } from '@nestjs/common';
import { type Actor, isAdmin } from '../auth/actor.js';
import { DomainError, ErrorCode, notFound } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { type MessageView, type SendMessageInput, sendMessageSchema } from '../contract/messages.js';
import { ConversationsService } from '../conversations/conversations.service.js';
import { DomainEvents } from '../events/domain-events.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { RateLimiter } from '../rate-limit/rate-limiter.service.js';
import { DrainService } from '../realtime/drain.service.js';
import { UsersService } from '../users/users.service.js';
import { type MessageRecord, toMessageView } from './message.records.js';
import { type AppendRequest, AppendBatcher } from './append-batcher.js';
import { SendOrder } from './send-order.js';
import {
  type AppendResult,
  AttachmentsUnavailableError,
  DuplicateClientMessageError,
  MessagesRepository,
  type NewMessage,
  ReopenConflictError,
} from './messages.repository.js';

// Storing a message: access, the append (group-committed with concurrent sends; seq, reopen, outbox rows in the
// same statement), then message.stored.
@Injectable()
export class MessagesService {
  private readonly sendOrder = new SendOrder();

  constructor(
    private readonly messages: MessagesRepository,
    private readonly batcher: AppendBatcher,
    private readonly conversations: ConversationsService,
    private readonly users: UsersService,
    private readonly rateLimiter: RateLimiter,
    private readonly drain: DrainService,
    private readonly metrics: MetricsService,
    private readonly events: DomainEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.sendSchema = sendMessageSchema(config.maxMessageLength);
  }

  // The send acknowledgement (HTTP 201 or socket ack) follows the commit; a shutdown waits for sends in flight,
  // queued ones included.
  send(actor: Actor, input: SendMessageInput, via: 'rest' | 'socket'): Promise<MessageView> {
    return this.sendInTurn(actor.id, () => Promise.resolve(actor), input, via);
  }

  // For a caller that learns who the sender is asynchronously (a socket event rechecks its session first): the
  // sender's turn is taken when the send arrives, before that lookup, whose time varies (cached or not) and
  // could otherwise let a pipelined second send overtake the first.
  async sendInTurn(senderId: number, actorOf: () => Promise<Actor>, input: SendMessageInput, via: 'rest' | 'socket'): Promise<MessageView> {
    const started = performance.now();
    const message = await this.drain.track(async () => {
      const { actor, appended } = await this.sendOrder.inTurn(senderId, async () => {
        const actor = await actorOf();
        return { actor, ...(await this.enqueue(actor, input)) };
      });
      return this.answer(actor, input, via, appended);
    });
    this.metrics.messagesSent.inc({ via });
    this.metrics.deliveryLatency.observe((performance.now() - started) / 1000);
    return message;
  }

  // Built once: the length limit is configuration.
  readonly sendSchema: ReturnType<typeof sendMessageSchema>;

  // Everything up to queueing the append, in turn per sender (see SendOrder); the commit is not waited for here.
  // Wrapped in an object so that awaiting this does not await the append.
  private async enqueue(actor: Actor, input: SendMessageInput): Promise<{ appended: Promise<AppendResult | undefined> }> {
    await this.rateLimiter.consume(
      { name: 'message', limit: this.config.rateLimits.messagesPerMinute, windowMs: 60_000 },
      String(actor.id),
    );
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
    // No lookup before storing: a retry of a stored send is left out by the batch statement (or hits the unique
    // index (sender, clientMessageId) in the single append, whose statement rolls back whole), and the first row
    // is answered in answer().
    const message = {
      senderId: actor.id,
      content: input.content,
      clientMessageId: input.clientMessageId,
      attachmentIds: input.attachmentIds,
      isPrivate: input.isPrivate,
    };
    const appended = this.batcher.append(await this.appendRequest(actor, input, message));
    // answer() handles its outcome; this only keeps a rejection from counting as unhandled until then.
    appended.catch(() => undefined);
    return { appended };
  }

  private async answer(
    actor: Actor,
    input: SendMessageInput,
    via: 'rest' | 'socket',
    appended: Promise<AppendResult | undefined>,
  ): Promise<MessageView> {
    let result: AppendResult | undefined;
    try {
      result = await appended;
    } catch (error) {
      if (error instanceof DuplicateClientMessageError && input.clientMessageId) {
        // The same send was stored before (a retry, or another instance stored it first): answer with its row.
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

  private async appendRequest(actor: Actor, input: SendMessageInput, message: NewMessage): Promise<AppendRequest> {
    if (input.conversationId !== undefined) {
      const ownerId = await this.conversations.requireAccessibleOwner(actor, input.conversationId);
      if (input.userId !== undefined && input.userId !== ownerId) {
        throw new DomainError(ErrorCode.VALIDATION, 'userId does not match the conversation’s user', {
          issues: [{ path: 'userId', message: 'does not match the conversation’s user' }],
        });
      }
      return { ownerId, target: { conversationId: input.conversationId }, message };
    }
    if (!isAdmin(actor)) {
      return { ownerId: actor.id, target: { activeConversationOf: actor.id }, message };
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
    return { ownerId: target.id, target: { activeConversationOf: target.id }, message };
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
}
