import { useCallback, useEffect } from 'react';
import { useConversationsStore } from '../conversations/conversations-provider.js';

export interface UnreadCounts {
  // Undefined until the server has answered once.
  of(conversationId: number): number | undefined;
  total: number;
  markRead(conversationId: number): void;
}

// Unread messages from the other side, per conversation: the store's counts (the server's, kept live by events).
export function useUnreadCounts(openConversationId: number | undefined, isVisible: boolean): UnreadCounts {
  const store = useConversationsStore();
  useEffect(() => store.wantUnread(), [store]);
  // Messages of the conversation open on a visible page are read as they arrive: they never count.
  useEffect(() => {
    store.setReading(isVisible ? openConversationId : undefined);
    return () => store.setReading(undefined);
  }, [store, openConversationId, isVisible]);

  const version = store.getVersion();
  const of = useCallback((conversationId: number) => store.unreadOf(conversationId), [store, version]);
  const markRead = useCallback((conversationId: number) => store.markRead(conversationId), [store]);
  return { of, total: store.totalUnread(), markRead };
}
