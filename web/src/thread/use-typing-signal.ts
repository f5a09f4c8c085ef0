import { useCallback, useEffect, useRef } from 'react';
import { useChatConnection } from '../realtime/connection-context.js';

const RESEND_MS = 2_000;
const IDLE_MS = 5_000;

// Tells the other side "typing" at most every 2 s while keys are pressed, and "stopped" on send, blur or 5 s idle.
// isPrivate: typing a note, which only admins hear about.
export function useTypingSignal(conversationId: number | undefined, isPrivate = false): { onActivity(): void; stop(): void } {
  const { socket } = useChatConnection();
  const lastSentAt = useRef(0);
  const isTyping = useRef(false);
  const idleTimer = useRef<number | undefined>(undefined);

  const stop = useCallback(() => {
    window.clearTimeout(idleTimer.current);
    if (isTyping.current && conversationId !== undefined && socket.connected) {
      socket.emit('typing', { conversationId, isTyping: false, ...(isPrivate ? { isPrivate } : {}) });
    }
    isTyping.current = false;
    lastSentAt.current = 0;
  }, [socket, conversationId, isPrivate]);

  const onActivity = useCallback(() => {
    if (conversationId === undefined) {
      return;
    }
    const now = Date.now();
    if (socket.connected && now - lastSentAt.current >= RESEND_MS) {
      socket.emit('typing', { conversationId, isTyping: true, ...(isPrivate ? { isPrivate } : {}) });
      lastSentAt.current = now;
      isTyping.current = true;
    }
    window.clearTimeout(idleTimer.current);
    idleTimer.current = window.setTimeout(stop, IDLE_MS);
  }, [socket, conversationId, stop, isPrivate]);

  useEffect(() => stop, [stop]);
  return { onActivity, stop };
}
