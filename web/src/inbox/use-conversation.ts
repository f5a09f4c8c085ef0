import { useCallback, useEffect, useState } from 'react';
import { ApiError } from '../api/api-error.js';
import type { ConversationView } from '@contract/conversations';
import { isFresher } from '../conversations/freshness.js';
import { useChatConnection } from '../realtime/connection-context.js';
import { useSocketEvent } from '../realtime/use-socket-event.js';
import { useSignedIn } from '../session/session-context.js';

export type LoadedConversation =
  { state: 'loading' } | { state: 'missing' } | { state: 'failed' } | { state: 'ready'; conversation: ConversationView };

// One conversation's header data (user, status), live through conversationUpdated.
export function useConversation(conversationId: number): LoadedConversation & { update(conversation: ConversationView): void } {
  const { api } = useSignedIn();
  const { catchUps } = useChatConnection();
  const [value, setValue] = useState<LoadedConversation>({ state: 'loading' });

  // A fetch may answer after a newer event: the fresher copy wins.
  const update = useCallback(
    (conversation: ConversationView) => {
      if (conversation.id !== conversationId) {
        return;
      }
      setValue((current) =>
        current.state === 'ready' && !isFresher(conversation, current.conversation) ? current : { state: 'ready', conversation },
      );
    },
    [conversationId],
  );

  useEffect(() => {
    let isCurrent = true;
    api.conversation(conversationId).then(
      (conversation) => isCurrent && update(conversation),
      (error: unknown) => {
        if (isCurrent) {
          setValue(error instanceof ApiError && error.status === 404 ? { state: 'missing' } : { state: 'failed' });
        }
      },
    );
    return () => {
      isCurrent = false;
    };
  }, [api, conversationId, catchUps, update]);

  useSocketEvent('conversationUpdated', update);
  return { ...value, update };
}
