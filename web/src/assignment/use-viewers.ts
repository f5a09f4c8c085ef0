import { useEffect, useState } from 'react';
import { emitWithAck } from '../api/chat-socket.js';
import { useChatConnection } from '../realtime/connection-context.js';
import { useSocketEvent } from '../realtime/use-socket-event.js';

interface Viewer {
  userId: number;
  name: string;
}

// Collision: tells the other admins this conversation is open here, and lists who else has it open.
export function useViewers(conversationId: number): { userId: number; name: string }[] {
  const { socket, catchUps } = useChatConnection();
  const [viewers, setViewers] = useState<Viewer[]>([]);

  useEffect(() => {
    let isCurrent = true;
    setViewers([]);
    if (socket.connected) {
      emitWithAck(socket, 'viewing', { conversationId, isViewing: true }).then(
        (result) => {
          if (isCurrent && result.ok) {
            setViewers(result.viewers);
          }
        },
        () => undefined,
      );
    }
    return () => {
      isCurrent = false;
      if (socket.connected) {
        socket.emit('viewing', { conversationId, isViewing: false });
      }
    };
  }, [socket, conversationId, catchUps]);

  useSocketEvent('agentViewing', (event) => {
    if (event.conversationId !== conversationId) {
      return;
    }
    setViewers((current) => {
      const others = current.filter((viewer) => viewer.userId !== event.userId);
      return event.isViewing ? [...others, { userId: event.userId, name: event.name }] : others;
    });
  });
  // Viewers of an instance that died are reported gone by the server (within 25 s).
  return viewers;
}
