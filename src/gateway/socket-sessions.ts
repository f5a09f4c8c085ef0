import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Namespace, Socket } from 'socket.io';
import { type Actor, isAdmin } from '../auth/actor.js';
import { AuthService } from '../auth/auth.service.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { DomainError, ErrorCode, toSocketError } from '../common/errors.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../contract/realtime.js';
import { PresenceService } from '../presence/presence.service.js';
import { RealtimePublisher } from '../realtime/realtime.publisher.js';
import { ADMINS_ROOM, sessionRoom, USERS_ROOM, userRoom } from '../realtime/rooms.js';

export interface SocketData {
  actor?: Actor;
  timer?: NodeJS.Timeout;
  isCountedOnline?: boolean;
  // The token version the socket's token carried, for the per-event revocation check.
  tokenVersion?: number;
  // Token bucket over every event this socket sends.
  budget?: { tokens: number; at: number };
}

const EVENT_BUDGET_WINDOW_MS = 10_000;

export type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type ChatNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

// setTimeout fires at once beyond this (about 24.8 days); tokens never live that long here.
const MAX_TIMER_MS = 2_147_483_647;

@Injectable()
export class SocketSessions {
  private readonly logger = new Logger(SocketSessions.name);

  constructor(
    private readonly auth: AuthService,
    private readonly presence: PresenceService,
    private readonly publisher: RealtimePublisher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // Namespace middleware: a token in the handshake (`io(url, {auth: {token}})`) authenticates before connect.
  // No token is allowed through: the socket must then send `authenticate {token}` before anything else.
  middleware() {
    return (socket: ChatSocket, next: (error?: Error) => void) => {
      const token: unknown = (socket.handshake.auth as Record<string, unknown> | undefined)?.token;
      if (token === undefined || token === null || token === '') {
        next();
        return;
      }
      if (typeof token !== 'string') {
        next(Object.assign(new Error(ErrorCode.UNAUTHORIZED), { data: { code: ErrorCode.UNAUTHORIZED, message: 'Invalid token' } }));
        return;
      }
      this.auth.authenticate(token).then(
        (actor) => {
          socket.data.actor = actor;
          socket.data.tokenVersion = actor.tokenVersion;
          next();
        },
        (error: unknown) => {
          const failure =
            error instanceof DomainError ? toSocketError(error) : { code: ErrorCode.UNAVAILABLE, message: 'Authentication failed' };
          next(Object.assign(new Error(failure.code), { data: failure }));
        },
      );
    };
  }

  onConnect(socket: ChatSocket): void {
    const actor = socket.data.actor;
    if (actor) {
      this.begin(socket, actor);
      return;
    }
    // An anonymous socket holds a slot only briefly.
    socket.data.timer = setTimeout(() => {
      this.publisher.toSocket(socket, 'error', { code: ErrorCode.UNAUTHORIZED, message: 'Authenticate within the time allowed' });
      socket.disconnect(true);
    }, this.config.socketAuthTimeoutMs);
  }

  onDisconnect(socket: ChatSocket): void {
    clearTimeout(socket.data.timer);
    if (socket.data.actor && socket.data.isCountedOnline) {
      void this.presence.disconnected(socket.data.actor);
    }
  }

  async authenticate(socket: ChatSocket, token: string): Promise<Actor> {
    const actor = await this.auth.authenticate(token);
    const current = socket.data.actor;
    if (current && current.id !== actor.id) {
      throw new DomainError(ErrorCode.FORBIDDEN, 'This socket is signed in as another account; open a new connection');
    }
    socket.data.actor = actor;
    socket.data.tokenVersion = actor.tokenVersion;
    this.begin(socket, actor);
    return actor;
  }

  // Still the same account, session and role as when it authenticated? Checked before every event (the check
  // is cached at most SESSION_CHECK_INTERVAL_MS), so a revocation that did not reach this instance through Redis
  // still stops the socket in time.
  async current(socket: ChatSocket): Promise<Actor | undefined> {
    const actor = socket.data.actor;
    if (!actor) {
      return undefined;
    }
    let fresh: Actor;
    try {
      fresh = await this.auth.recheck(actor, socket.data.tokenVersion);
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.TOKEN_REVOKED) {
        this.revoked(socket);
        return undefined;
      }
      throw error;
    }
    if (fresh.role !== actor.role) {
      this.revoked(socket);
      return undefined;
    }
    return actor;
  }

  // Every event costs one token; the bucket holds SOCKET_EVENT_RATE_LIMIT and refills that many per 10 s, so a
  // client cannot flood any handler (sync, markAsRead, authenticate ...), not only typing and sends.
  spendEventBudget(socket: ChatSocket): void {
    const capacity = this.config.socketEventsPer10s;
    const now = Date.now();
    const budget = socket.data.budget ?? { tokens: capacity, at: now };
    budget.tokens = Math.min(capacity, budget.tokens + ((now - budget.at) * capacity) / EVENT_BUDGET_WINDOW_MS);
    budget.at = now;
    socket.data.budget = budget;
    if (budget.tokens < 1) {
      const retryAfterMs = Math.ceil(((1 - budget.tokens) * EVENT_BUDGET_WINDOW_MS) / capacity);
      throw new DomainError(ErrorCode.RATE_LIMITED, 'Too many events on this connection; slow down', { retryAfterMs });
    }
    budget.tokens -= 1;
  }

  private revoked(socket: ChatSocket): void {
    socket.data.actor = undefined;
    socket.emit('error', { code: ErrorCode.TOKEN_REVOKED, message: 'This session was revoked: sign in again' });
    socket.disconnect(true);
  }

  private begin(socket: ChatSocket, actor: Actor): void {
    clearTimeout(socket.data.timer);
    // A socket that authenticates again starts from no rooms: nothing of an earlier role or session stays.
    for (const room of socket.rooms) {
      if (room !== socket.id) {
        void socket.leave(room);
      }
    }
    const rooms = isAdmin(actor) ? [userRoom(actor.id), ADMINS_ROOM] : [userRoom(actor.id), USERS_ROOM];
    if (actor.sessionId !== undefined) {
      rooms.push(sessionRoom(actor.sessionId));
    }
    void socket.join(rooms);
    if (!socket.data.isCountedOnline) {
      socket.data.isCountedOnline = true;
      void this.presence.connected(actor);
    }
    const msLeft = actor.expiresAt * 1000 - Date.now();
    socket.data.timer = setTimeout(() => this.expire(socket), Math.max(0, Math.min(msLeft, MAX_TIMER_MS)));
  }

  private expire(socket: ChatSocket): void {
    this.logger.debug(`token expired for socket ${socket.id}`);
    this.publisher.toSocket(socket, 'error', { code: ErrorCode.TOKEN_EXPIRED, message: 'Token expired: sign in again and reconnect' });
    socket.disconnect(true);
  }
}
