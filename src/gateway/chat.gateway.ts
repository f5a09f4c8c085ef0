import { Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Actor } from '../auth/actor.js';
import { DomainError, ErrorCode, toSocketError } from '../common/errors.js';
import { type SocketError } from '../contract/errors.js';
import { parseInput } from '../common/validation.js';
import { isDatabaseUnavailable } from '../database/database-errors.js';
import { conversationRefSchema, syncSchema } from '../contract/messages.js';
import { typingSchema } from '../contract/realtime.js';
import { MessageHistoryService } from '../messages/message-history.service.js';
import { MessagesService } from '../messages/messages.service.js';
import { ReadReceiptsService } from '../messages/read-receipts.service.js';
import { TypingService } from '../presence/typing.service.js';
import { authenticateSchema } from '../contract/auth.js';
import { viewingSchema } from '../contract/collision.js';
import { CollisionService } from '../collision/collision.service.js';
import type { AckResult } from '../contract/realtime.js';
import { RealtimePublisher } from '../realtime/realtime.publisher.js';
import { type ChatNamespace, type ChatSocket, SocketSessions } from './socket-sessions.js';

// Thin edge: parse the payload, call one service method, ack. No handler lets an exception escape.
@WebSocketGateway({ namespace: '/chat' })
export class ChatGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger(ChatGateway.name);

  constructor(
    private readonly sessions: SocketSessions,
    private readonly messages: MessagesService,
    private readonly history: MessageHistoryService,
    private readonly readReceipts: ReadReceiptsService,
    private readonly typingIndicators: TypingService,
    private readonly publisher: RealtimePublisher,
    private readonly collision: CollisionService,
  ) {}

  afterInit(namespace: ChatNamespace): void {
    namespace.use(this.sessions.middleware());
    this.publisher.attach(namespace);
  }

  handleConnection(socket: ChatSocket): void {
    this.sessions.onConnect(socket);
  }

  handleDisconnect(socket: ChatSocket): void {
    this.sessions.onDisconnect(socket);
    void this.collision.socketGone(socket.id);
  }

  @SubscribeMessage('authenticate')
  authenticate(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown) {
    return this.run(socket, async () => {
      const parsed = authenticateSchema.safeParse(payload);
      if (!parsed.success) {
        throw new DomainError(ErrorCode.UNAUTHORIZED, 'Send authenticate {token}: claimed identities without a token are not accepted');
      }
      const { token } = parsed.data;
      const actor = await this.sessions.authenticate(socket, token);
      const user = { id: actor.id, email: actor.email, name: actor.name, role: actor.role };
      this.publisher.toSocket(socket, 'authenticated', { user });
      return { user };
    });
  }

  @SubscribeMessage('sendMessage')
  sendMessage(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown) {
    // The send is queued in the sender's turn before the session recheck, so pipelined sends keep their order.
    return this.run(socket, async () => {
      const senderId = socket.data.identity?.id;
      if (senderId === undefined) {
        throw notAuthenticated();
      }
      const input = parseInput(this.messages.sendSchema, payload, 'sendMessage payload');
      return { message: await this.messages.sendInTurn(senderId, () => this.requireActor(socket), input, 'socket') };
    });
  }

  @SubscribeMessage('markAsRead')
  markAsRead(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown) {
    return this.runAuthenticated(socket, (actor) => {
      const { conversationId } = parseInput(conversationRefSchema, payload, 'markAsRead payload');
      return this.readReceipts.markRead(actor, conversationId);
    });
  }

  @SubscribeMessage('typing')
  typing(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown) {
    return this.runAuthenticated(socket, async (actor) => {
      const { conversationId, isTyping, isPrivate } = parseInput(typingSchema, payload, 'typing payload');
      await this.typingIndicators.typing(actor, conversationId, isTyping, socket.id, isPrivate);
      return {};
    });
  }

  @SubscribeMessage('viewing')
  viewing(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown) {
    return this.runAuthenticated(socket, async (actor) => {
      const { conversationId, isViewing } = parseInput(viewingSchema, payload, 'viewing payload');
      return { viewers: await this.collision.viewing(actor, socket.id, conversationId, isViewing) };
    });
  }

  @SubscribeMessage('sync')
  sync(@ConnectedSocket() socket: ChatSocket, @MessageBody() payload: unknown) {
    return this.runAuthenticated(socket, async (actor) => ({
      conversations: await this.history.sync(actor, parseInput(syncSchema, payload, 'sync payload')),
    }));
  }

  private runAuthenticated<T extends object>(socket: ChatSocket, handler: (actor: Actor) => Promise<T>): Promise<AckResult<T>> {
    return this.run(socket, async () => handler(await this.requireActor(socket)));
  }

  private async requireActor(socket: ChatSocket): Promise<Actor> {
    const actor = await this.sessions.current(socket);
    if (!actor) {
      throw notAuthenticated();
    }
    return actor;
  }

  private async run<T extends object>(socket: ChatSocket, handler: () => Promise<T>): Promise<AckResult<T>> {
    try {
      this.sessions.spendEventBudget(socket);
      return { ok: true, ...(await handler()) };
    } catch (error) {
      const failure = this.toFailure(error);
      this.publisher.toSocket(socket, 'error', failure);
      return { ok: false, error: failure };
    }
  }

  private toFailure(error: unknown): SocketError {
    if (error instanceof DomainError) {
      return toSocketError(error);
    }
    if (isDatabaseUnavailable(error)) {
      return { code: ErrorCode.UNAVAILABLE, message: 'The database is unavailable; retry shortly' };
    }
    this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return { code: ErrorCode.INTERNAL, message: 'Internal error' };
  }
}

const notAuthenticated = (): DomainError =>
  new DomainError(ErrorCode.UNAUTHORIZED, 'Authenticate first: send authenticate {token} or connect with auth: {token}');
