import { useCallback, useEffect, useRef, useState } from 'react';
import { useChatConnection } from '../realtime/connection-context.js';
import { useSocketEvent } from '../realtime/use-socket-event.js';
import { useSignedIn } from '../session/session-context.js';
import { sideOfMessage } from '../thread/sides.js';

export interface UnreadCounts {
  // Undefined until the server has answered once.
  of(conversationId: number): number | undefined;
  total: number;
  markRead(conversationId: number): void;
}

// Unread messages from users, per conversation: the server's count, then kept live (new messages add one;
// read receipts and catch-ups ask the server again).
export function useUnreadCounts(openConversationId: number | undefined, isVisible: boolean): UnreadCounts {
  const { api } = useSignedIn();
  const { catchUps } = useChatConnection();
  const [counts, setCounts] = useState<Map<number, number>>();
  const [refreshes, setRefreshes] = useState(0);
  // A message can arrive twice (a retried send is delivered again); count it once.
  const counted = useRef(new Set<number>());

  useEffect(() => {
    let isCurrent = true;
    api.unreadCount().then(
      (view) => {
        if (isCurrent) {
          counted.current.clear();
          setCounts(new Map(view.conversations.map((item) => [item.conversationId, item.count])));
        }
      },
      () => undefined,
    );
    return () => {
      isCurrent = false;
    };
  }, [api, catchUps, refreshes]);

  useSocketEvent('newMessage', (message) => {
    const isBeingRead = message.conversationId === openConversationId && isVisible;
    if (sideOfMessage(message) !== 'user' || isBeingRead || message.isRead || counted.current.has(message.id)) {
      return;
    }
    counted.current.add(message.id);
    setCounts((current) => current && new Map(current).set(message.conversationId, (current.get(message.conversationId) ?? 0) + 1));
  });
  useSocketEvent('messagesRead', () => setRefreshes((count) => count + 1));

  const markRead = useCallback((conversationId: number) => {
    setCounts((current) => current && new Map(current).set(conversationId, 0));
  }, []);

  const of = useCallback((conversationId: number) => (counts ? (counts.get(conversationId) ?? 0) : undefined), [counts]);
  let total = 0;
  counts?.forEach((count) => (total += count));
  return { of, total, markRead };
}
