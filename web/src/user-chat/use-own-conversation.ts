import { useCallback, useEffect, useState } from 'react';
import type { ConversationView } from '@contract/conversations';
import { useConversationsStore } from '../conversations/conversations-provider.js';
import { useChatConnection } from '../realtime/connection-context.js';
import { useSignedIn } from '../session/session-context.js';

export type OwnConversation = { state: 'loading' } | { state: 'failed' } | { state: 'ready'; conversation?: ConversationView };

// The latest of the user's conversations: a conversation started for them later (by an admin, or by their own
// first message) takes the place of the one before.
function latest(conversations: ConversationView[]): ConversationView | undefined {
  return conversations.reduce<ConversationView | undefined>(
    (best, candidate) =>
      !best ||
      Date.parse(candidate.lastMessageAt) - Date.parse(best.lastMessageAt) > 0 ||
      (candidate.lastMessageAt === best.lastMessageAt && candidate.id > best.id)
        ? candidate
        : best,
    undefined,
  );
}

// A user sees one thread with Support: their latest conversation, from the store (kept live by socket events).
export function useOwnConversation(): OwnConversation & { adopt(conversationId: number): void; reload(): void } {
  const { api } = useSignedIn();
  const { catchUps } = useChatConnection();
  const store = useConversationsStore();
  const [load, setLoad] = useState<'loading' | 'failed' | 'ready'>('loading');
  const [loadCount, setLoadCount] = useState(0);

  useEffect(() => {
    let isCurrent = true;
    api.conversations({ limit: 1 }).then(
      (page) => {
        if (isCurrent) {
          store.offer(page.items);
          setLoad('ready');
        }
      },
      () => isCurrent && setLoad((current) => (current === 'ready' ? current : 'failed')),
    );
    return () => {
      isCurrent = false;
    };
  }, [api, store, catchUps, loadCount]);

  const adopt = useCallback(
    (conversationId: number) => {
      api.conversation(conversationId).then(
        (item) => store.offer([item]),
        () => undefined,
      );
    },
    [api, store],
  );
  const reload = useCallback(() => setLoadCount((count) => count + 1), []);

  const conversation = latest(store.all());
  const value: OwnConversation = load === 'ready' || conversation ? { state: 'ready', conversation } : { state: load };
  return { ...value, adopt, reload };
}
