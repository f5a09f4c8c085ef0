import { createContext, type ReactNode, useContext, useEffect, useState, useSyncExternalStore } from 'react';
import { useChatConnection } from '../realtime/connection-context.js';
import { useSocketEvent } from '../realtime/use-socket-event.js';
import { useSignedIn } from '../session/session-context.js';
import { sideOfRole } from '../thread/sides.js';
import { ConversationsStore } from './conversations-store.js';

const StoreContext = createContext<ConversationsStore | undefined>(undefined);

// The only place conversation events are subscribed to: each goes into the store once, whatever shows it.
export function ConversationsProvider({ children }: { children: ReactNode }) {
  const { api, session } = useSignedIn();
  const { catchUps } = useChatConnection();
  const [store] = useState(() => new ConversationsStore(api, sideOfRole(session.user.role)));

  useSocketEvent('newMessage', (message) => store.applyMessage(message));
  useSocketEvent('conversationUpdated', (conversation) => store.applyConversation(conversation));
  useSocketEvent('messagesRead', () => store.applyReadReceipt());
  useEffect(() => {
    if (catchUps > 0) {
      store.caughtUp();
    }
  }, [store, catchUps]);

  return <StoreContext.Provider value={store}>{children}</StoreContext.Provider>;
}

// The store, re-rendering the caller whenever anything in it changes.
export function useConversationsStore(): ConversationsStore {
  const store = useContext(StoreContext);
  if (!store) {
    throw new Error('useConversationsStore needs a ConversationsProvider');
  }
  useSyncExternalStore(store.subscribe, store.getVersion);
  return store;
}
