import { Injectable } from '@nestjs/common';
import type { Namespace } from 'socket.io';
import type { ServerToClientEvents } from './events.js';
import { userRoom } from './rooms.js';

type EventName = keyof ServerToClientEvents;
type Payload<E extends EventName> = Parameters<ServerToClientEvents[E]>[0];

// The only place events are emitted, whatever the entry point (REST or socket).
@Injectable()
export class RealtimePublisher {
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
    (target.emit as (event: string, payload: unknown) => boolean)(event, payload);
  }
}
