import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Namespace, Socket } from 'socket.io';
import { type Actor, isAdmin } from '../auth/actor.js';
import { AuthService } from '../auth/auth.service.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { DomainError, ErrorCode, toSocketError } from '../common/errors.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../contract/realtime.js';
import { PresenceService } from '../presence/presence.service.js';
import { RealtimePublisher } from '../realtime/realtime.publisher.js';
import { ADMINS_ROOM, sessionRoom, USERS_ROOM, userRoom } from '../realtime/rooms.js';
import { DeadlineBuckets } from './deadline-buckets.js';

// What an idle socket keeps of its account: ids, role and expiry. Name and email come fresh with each event's
// session check (cached), so no token, account strings or request objects stay with the connection.
export interface SocketIdentity {
  id: number;
  role: Actor['role'];
  // Seconds since the epoch, as in the token.
  expiresAt: number;
  sessionId?: number;
  // The token version the socket's token carried, for the per-event revocation check.
  tokenVersion?: number;
}

export interface SocketData {
  // Set while the socket is signed in; it is then counted online (presence) until it disconnects.
  identity?: SocketIdentity;
  // The deadline bucket the socket sits in: its token's expiry, or, before it signs in, the time allowed to.
  deadline?: number;
  // Token bucket over every event this socket sends.
  budget?: { tokens: number; at: number };
}

const EVENT_BUDGET_WINDOW_MS = 10_000;
// How often due deadlines are looked for: the most an expiry or an authentication timeout fires late.
const DEADLINE_SWEEP_MS = 1_000;
// Replaces the handshake's auth once it was read, so the token string does not live as long as the socket.
const CONSUMED_AUTH: Readonly<Record<string, never>> = Object.freeze({});

export type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type ChatNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

function identityOf(actor: Actor & { tokenVersion?: number }): SocketIdentity {
  return { id: actor.id, role: actor.role, expiresAt: actor.expiresAt, sessionId: actor.sessionId, tokenVersion: actor.tokenVersion };
}

@Injectable()
export class SocketSessions implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(SocketSessions.name);
  private readonly deadlines = new DeadlineBuckets<ChatSocket>();
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly auth: AuthService,
    private readonly presence: PresenceService,
    private readonly publisher: RealtimePublisher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.sweeper = setInterval(() => this.closeDue(), DEADLINE_SWEEP_MS);
    this.sweeper.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  // Namespace middleware: a token in the handshake (`io(url, {auth: {token}})`) authenticates before connect.
  // No token is allowed through: the socket must then send `authenticate {token}` before anything else.
  middleware() {
    return (socket: ChatSocket, next: (error?: Error) => void) => {
      const token: unknown = (socket.handshake.auth as Record<string, unknown> | undefined)?.token;
      socket.handshake.auth = CONSUMED_AUTH;
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
          socket.data.identity = identityOf(actor);
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
    const identity = socket.data.identity;
    if (identity) {
      this.begin(socket, identity);
      return;
    }
    // An anonymous socket holds a slot only briefly.
    socket.data.deadline = this.deadlines.add(socket, Date.now() + this.config.socketAuthTimeoutMs);
  }

  onDisconnect(socket: ChatSocket): void {
    this.deadlines.remove(socket, socket.data.deadline);
    socket.data.deadline = undefined;
    const identity = socket.data.identity;
    if (identity) {
      void this.presence.disconnected(identity);
    }
  }

  async authenticate(socket: ChatSocket, token: string): Promise<Actor> {
    const actor = await this.auth.authenticate(token);
    const current = socket.data.identity;
    if (current && current.id !== actor.id) {
      throw new DomainError(ErrorCode.FORBIDDEN, 'This socket is signed in as another account; open a new connection');
    }
    if (socket.connected) {
      const wasCounted = current !== undefined;
      socket.data.identity = identityOf(actor);
      this.begin(socket, socket.data.identity, wasCounted);
    }
    return actor;
  }

  // Still the same account, session and role as when it authenticated? Checked before every event (the check
  // is cached at most SESSION_CHECK_INTERVAL_MS), so a revocation that did not reach this instance through Redis
  // still stops the socket in time. Returns the actor as the account is now (name and email included).
  async current(socket: ChatSocket): Promise<Actor | undefined> {
    const identity = socket.data.identity;
    if (!identity) {
      return undefined;
    }
    let fresh: Actor;
    try {
      fresh = await this.auth.recheck(identity, identity.tokenVersion);
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.TOKEN_REVOKED) {
        this.revoked(socket);
        return undefined;
      }
      throw error;
    }
    if (fresh.role !== identity.role) {
      this.revoked(socket);
      return undefined;
    }
    return fresh;
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

  // The disconnect that follows (synchronously) takes the socket out of presence and of its deadline bucket.
  private revoked(socket: ChatSocket): void {
    socket.emit('error', { code: ErrorCode.TOKEN_REVOKED, message: 'This session was revoked: sign in again' });
    socket.disconnect(true);
  }

  private begin(socket: ChatSocket, identity: SocketIdentity, wasCounted = false): void {
    // A socket that authenticates again starts from no rooms: nothing of an earlier role or session stays.
    for (const room of socket.rooms) {
      if (room !== socket.id) {
        void socket.leave(room);
      }
    }
    const rooms = isAdmin(identity) ? [userRoom(identity.id), ADMINS_ROOM] : [userRoom(identity.id), USERS_ROOM];
    if (identity.sessionId !== undefined) {
      rooms.push(sessionRoom(identity.sessionId));
    }
    void socket.join(rooms);
    if (!wasCounted) {
      void this.presence.connected(identity);
    }
    this.deadlines.remove(socket, socket.data.deadline);
    socket.data.deadline = this.deadlines.add(socket, identity.expiresAt * 1000);
  }

  private closeDue(): void {
    for (const socket of this.deadlines.takeDue(Date.now())) {
      socket.data.deadline = undefined;
      if (socket.data.identity) {
        this.logger.debug(`token expired for socket ${socket.id}`);
        this.publisher.toSocket(socket, 'error', { code: ErrorCode.TOKEN_EXPIRED, message: 'Token expired: sign in again and reconnect' });
      } else {
        this.publisher.toSocket(socket, 'error', { code: ErrorCode.UNAUTHORIZED, message: 'Authenticate within the time allowed' });
      }
      socket.disconnect(true);
    }
  }
}
