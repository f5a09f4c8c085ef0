import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Namespace, Socket } from 'socket.io';
import { type Actor, isAdmin } from '../auth/actor.js';
import { AuthService } from '../auth/auth.service.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { DomainError, ErrorCode, toSocketError } from '../common/errors.js';
import type { ClientToServerEvents, ServerToClientEvents } from '../contract/realtime.js';
import { PresenceService } from '../presence/presence.service.js';
import { RealtimePublisher } from '../realtime/realtime.publisher.js';
import { ADMINS_ROOM, USERS_ROOM, userRoom } from '../realtime/rooms.js';

export interface SocketData {
  actor?: Actor;
  timer?: NodeJS.Timeout;
  isCountedOnline?: boolean;
}

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
    this.begin(socket, actor);
    return actor;
  }

  private begin(socket: ChatSocket, actor: Actor): void {
    clearTimeout(socket.data.timer);
    void socket.join(isAdmin(actor) ? [userRoom(actor.id), ADMINS_ROOM] : [userRoom(actor.id), USERS_ROOM]);
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
