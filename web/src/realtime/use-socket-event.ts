import { useEffect, useRef } from 'react';
import type { ServerToClientEvents } from '@contract/realtime';
import { useChatConnection } from './connection-context.js';

type EventName = keyof ServerToClientEvents;
type PayloadOf<E extends EventName> = Parameters<ServerToClientEvents[E]>[0];

// Subscribes for the component's life; the handler may change every render without resubscribing.
export function useSocketEvent<E extends EventName>(event: E, handler: (payload: PayloadOf<E>) => void): void {
  const { socket } = useChatConnection();
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => {
    const listener = (payload: PayloadOf<E>) => latest.current(payload);
    // socket.io's listener types cannot follow a generic event name; every server event has one payload.
    const events = socket as unknown as {
      on(event: E, listener: (payload: PayloadOf<E>) => void): void;
      off(event: E, listener: (payload: PayloadOf<E>) => void): void;
    };
    events.on(event, listener);
    return () => events.off(event, listener);
  }, [socket, event]);
}
