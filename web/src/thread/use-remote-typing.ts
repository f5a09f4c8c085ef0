import { useEffect, useRef, useState } from 'react';
import type { TypingView } from '@contract/realtime';
import { useSocketEvent } from '../realtime/use-socket-event.js';

// A typer repeats "typing" every 2 s; without news for this long the line goes (a lost "stopped").
const STALE_MS = 7_000;

export function useRemoteTyping(conversationId: number | undefined): TypingView | undefined {
  const [typing, setTyping] = useState<TypingView>();
  const staleTimer = useRef<number | undefined>(undefined);

  useEffect(() => {
    setTyping(undefined);
    return () => window.clearTimeout(staleTimer.current);
  }, [conversationId]);

  useSocketEvent('userTyping', (event) => {
    if (event.conversationId !== conversationId) {
      return;
    }
    window.clearTimeout(staleTimer.current);
    if (event.isTyping) {
      setTyping(event);
      staleTimer.current = window.setTimeout(() => setTyping(undefined), STALE_MS);
    } else {
      setTyping((current) => (current?.userId === event.userId ? undefined : current));
    }
  });
  useSocketEvent('newMessage', (message) => {
    setTyping((current) =>
      current?.userId === message.senderId && current.conversationId === message.conversationId ? undefined : current,
    );
  });
  return typing;
}
