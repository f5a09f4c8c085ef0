import { Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { Namespace } from 'socket.io';
import type { ServerToClientEvents } from '../contract/realtime.js';
import { userRoom } from './rooms.js';

type EventName = keyof ServerToClientEvents;
type Payload<E extends EventName> = Parameters<ServerToClientEvents[E]>[0];
type Emit = (event: string, payload: unknown) => boolean;

// The only place events are emitted, whatever the entry point (REST or socket).
@Injectable()
export class RealtimePublisher {
  private readonly logger = new Logger(RealtimePublisher.name);
  private namespace?: Namespace;

  attach(namespace: Namespace): void {
    this.namespace = namespace;
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
