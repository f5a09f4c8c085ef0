import { useEffect, useState } from 'react';
import type { ConversationStatus } from '../api/api-client.js';
import { useChatConnection } from '../realtime/connection-context.js';
import { useSocketEvent } from '../realtime/use-socket-event.js';
import { useSignedIn } from '../session/session-context.js';

const REFRESH_DELAY_MS = 300;

export interface AssignmentCounts {
  mine: number;
  unassigned: number;
  all: number;
}

// The numbers on the Mine / Unassigned / All tabs: fetched, and again shortly after any conversation changes.
export function useAssignmentCounts(status: ConversationStatus | undefined): AssignmentCounts | undefined {
  const { api } = useSignedIn();
  const { catchUps } = useChatConnection();
  const [counts, setCounts] = useState<AssignmentCounts>();
  const [changes, setChanges] = useState(0);

  useEffect(() => {
    let isCurrent = true;
    const timer = window.setTimeout(
      () => {
        api.conversationCounts(status).then(
          (value) => isCurrent && setCounts(value),
          () => undefined,
        );
      },
      changes === 0 ? 0 : REFRESH_DELAY_MS,
    );
    return () => {
      isCurrent = false;
      window.clearTimeout(timer);
    };
  }, [api, status, catchUps, changes]);

  useSocketEvent('conversationUpdated', () => setChanges((count) => count + 1));
  return counts;
}
