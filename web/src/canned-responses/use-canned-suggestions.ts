import { useEffect, useState } from 'react';
import type { CannedResponseView } from '@contract/canned-responses';
import { useSignedIn } from '../session/session-context.js';

const DELAY_MS = 150;

// Canned responses matching what follows "/" (undefined: the list is closed).
export function useCannedSuggestions(query: string | undefined): CannedResponseView[] {
  const { api } = useSignedIn();
  const [items, setItems] = useState<CannedResponseView[]>([]);
  useEffect(() => {
    if (query === undefined) {
      setItems([]);
      return;
    }
    let isCurrent = true;
    const timer = window.setTimeout(() => {
      api.cannedResponses(query).then(
        (found) => isCurrent && setItems(found),
        () => isCurrent && setItems([]),
      );
    }, DELAY_MS);
    return () => {
      isCurrent = false;
      window.clearTimeout(timer);
    };
  }, [api, query]);
  return items;
}
