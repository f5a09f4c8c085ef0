import { useState } from 'react';
import { useSocketEvent } from '../realtime/use-socket-event.js';

// Who else has which conversation open, from agentViewing events (for the list; the open conversation's
// pane also asks the server when it opens).
export function useAllViewers(): Map<number, string[]> {
  const [viewers, setViewers] = useState(new Map<number, Map<number, string>>());
  useSocketEvent('agentViewing', (event) => {
    setViewers((current) => {
      const next = new Map(current);
      const names = new Map(next.get(event.conversationId) ?? []);
      if (event.isViewing) {
        names.set(event.userId, event.name);
      } else {
        names.delete(event.userId);
      }
      next.set(event.conversationId, names);
      return next;
    });
  });
  return new Map([...viewers].map(([conversationId, names]) => [conversationId, [...names.values()]]));
}
