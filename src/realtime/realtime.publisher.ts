import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Namespace } from 'socket.io';
import { ErrorCode } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import type { ServerToClientEvents } from '../contract/realtime.js';
import { sessionRoom, userRoom } from './rooms.js';

// A revoked session (sessionId) or every session of an account (no sessionId).
export interface RevocationNotice {
  userId: number;
  sessionId?: number;
}

const REVOKED_EVENT = 'auth:revoked';

type EventName = keyof ServerToClientEvents;
type Payload<E extends EventName> = Parameters<ServerToClientEvents[E]>[0];
type Emit = (event: string, payload: unknown) => boolean;

// The only place events are emitted, whatever the entry point (REST or socket).
@Injectable()
export class RealtimePublisher {
  private readonly logger = new Logger(RealtimePublisher.name);
  private namespace?: Namespace;
  private readonly revocationListeners: ((notice: RevocationNotice) => void)[] = [];

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  attach(namespace: Namespace): void {
    this.namespace = namespace;
    // Revocations made on other instances (server-side events travel through the Redis adapter).
    namespace.on(REVOKED_EVENT, (notice: RevocationNotice) => this.applyRevocation(notice));
  }

  onRevocation(listener: (notice: RevocationNotice) => void): void {
    this.revocationListeners.push(listener);
  }

  // Every instance forgets its cached checks and closes the affected sockets with TOKEN_REVOKED. Each instance
  // acts on its own sockets, so the error event always goes out before that socket's disconnect.
  revoke(notice: RevocationNotice): void {
    this.applyRevocation(notice);
    if (this.config.redis && this.namespace) {
      (this.namespace.serverSideEmit as (event: string, payload: unknown) => boolean)(REVOKED_EVENT, notice);
    }
  }

  private applyRevocation(notice: RevocationNotice): void {
    for (const listener of this.revocationListeners) {
      listener(notice);
    }
    if (!this.namespace) {
      return;
    }
    const room = notice.sessionId !== undefined ? sessionRoom(notice.sessionId) : userRoom(notice.userId);
    const local = this.namespace.local.in(room);
    (local.emit as Emit)('error', { code: ErrorCode.TOKEN_REVOKED, message: 'This session was revoked: sign in again' });
    local.disconnectSockets(true);
  }

  send<E extends EventName>(event: E, rooms: string[], payload: Payload<E>, options: { exceptUserId?: number } = {}): void {
    if (!this.namespace) {
      return;
    }
    let target = this.namespace.to(rooms);
    if (options.exceptUserId !== undefined) {
      target = target.except(userRoom(options.exceptUserId));
    }
    (target.emit as Emit)(event, payload);
  }

  // To one socket: its own acks' companions (`authenticated`, `error`).
  toSocket<E extends EventName>(socket: { emit: (event: E, payload: Payload<E>) => boolean }, event: E, payload: Payload<E>): void {
    socket.emit(event, payload);
  }

  // To this instance's sockets only (not fanned out through Redis).
  sendLocal<E extends EventName>(event: E, payload: Payload<E>): void {
    if (this.namespace) {
      (this.namespace.local.emit as Emit)(event, payload);
    }
  }

  localSocketCount(): number {
    return this.namespace?.sockets.size ?? 0;
  }

  // Closes the transports (not a server-side disconnect), so clients reconnect by themselves, elsewhere.
  closeLocalConnections(): void {
    for (const socket of this.namespace?.sockets.values() ?? []) {
      socket.conn.close();
    }
  }

  // While the link between instances (Redis) is down, events of other instances do not arrive here:
  // when it is back, tell this instance's sockets to catch up with sync.
  watchLink(subscriber: Redis): void {
    let wasDown = false;
    subscriber.on('close', () => {
      wasDown = true;
    });
    subscriber.on('ready', () => {
      if (wasDown) {
        wasDown = false;
        this.logger.log('link to other instances restored; asking local sockets to sync');
        this.sendLocal('syncRequired', { reason: 'link to other instances restored' });
      }
    });
  }
}
