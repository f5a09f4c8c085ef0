import { useCallback, useEffect, useState } from 'react';
import type { ConversationView } from '@contract/conversations';
import { isFresher, laterOf } from '../conversations/freshness.js';
import { useChatConnection } from '../realtime/connection-context.js';
import { useSocketEvent } from '../realtime/use-socket-event.js';
import { useSignedIn } from '../session/session-context.js';

export type OwnConversation = { state: 'loading' } | { state: 'failed' } | { state: 'ready'; conversation?: ConversationView };

// The one to show: a later conversation replaces the current one; a later copy of the same one updates it.
function preferred(candidate: ConversationView, current: ConversationView | undefined): ConversationView {
  if (!current) {
    return candidate;
  }
  if (candidate.id === current.id) {
    return isFresher(candidate, current) ? candidate : current;
  }
  return Date.parse(candidate.lastMessageAt) >= Date.parse(current.lastMessageAt) ? candidate : current;
}

// A user sees one thread with Support: their latest conversation. A conversation started for them later
// (by an admin, or by their own first message) takes its place.
export function useOwnConversation(): OwnConversation & { adopt(conversationId: number): void; reload(): void } {
  const { api } = useSignedIn();
  const { catchUps } = useChatConnection();
  const [value, setValue] = useState<OwnConversation>({ state: 'loading' });
  const [loadCount, setLoadCount] = useState(0);

  // Every copy, fetched or pushed, goes through here: whichever order they land in, the latest state wins.
  const offer = useCallback((candidate: ConversationView | undefined) => {
    setValue((current) => {
      const known = current.state === 'ready' ? current.conversation : undefined;
      return { state: 'ready', conversation: candidate ? preferred(candidate, known) : known };
    });
  }, []);

  useEffect(() => {
    let isCurrent = true;
    api.conversations({ limit: 1 }).then(
      (page) => isCurrent && offer(page.items[0]),
      () => isCurrent && setValue((current) => (current.state === 'ready' ? current : { state: 'failed' })),
    );
    return () => {
      isCurrent = false;
    };
  }, [api, offer, catchUps, loadCount]);

  const adopt = useCallback(
    (conversationId: number) => {
      api.conversation(conversationId).then(offer, () => undefined);
    },
    [api, offer],
  );

  useSocketEvent('conversationUpdated', offer);
  useSocketEvent('newMessage', (message) => {
    const known = value.state === 'ready' ? value.conversation : undefined;
    if (known?.id !== message.conversationId) {
      adopt(message.conversationId);
      return;
    }
    // Merged into the current state, not `known`: a status change may have landed in the same tick.
    setValue((current) => {
      if (current.state !== 'ready' || current.conversation?.id !== message.conversationId) {
        return current;
      }
      const conversation = current.conversation;
      return {
        state: 'ready',
        conversation: {
          ...conversation,
          lastMessageAt: laterOf(message.createdAt, conversation.lastMessageAt),
          lastSeq: Math.max(conversation.lastSeq, message.seq),
        },
      };
    });
  });

  const reload = useCallback(() => setLoadCount((count) => count + 1), []);
  return { ...value, adopt, reload };
}
