import { useCallback, useEffect, useState } from 'react';
import type { SearchResultView } from '@contract/search';
import { useSignedIn } from '../session/session-context.js';

export interface MessageSearch {
  results: SearchResultView[];
  load: 'idle' | 'loading' | 'ready' | 'error';
  hasMore: boolean;
  isLoadingMore: boolean;
  loadMore(): void;
}

// Hits for a (debounced) query, newest first; an answer for an older query is dropped.
export function useMessageSearch(q: string, conversationId?: number): MessageSearch {
  const { api } = useSignedIn();
  const [results, setResults] = useState<SearchResultView[]>([]);
  const [next, setNext] = useState<string>();
  const [load, setLoad] = useState<MessageSearch['load']>('idle');
  const [isLoadingMore, setIsLoadingMore] = useState(false);
  const query = q.trim();

  useEffect(() => {
    setResults([]);
    setNext(undefined);
    if (!query) {
      setLoad('idle');
      return;
    }
    let isCurrent = true;
    setLoad('loading');
    api.search(query, conversationId).then(
      (page) => {
        if (isCurrent) {
          setResults(page.items);
          setNext(page.next);
          setLoad('ready');
        }
      },
      () => isCurrent && setLoad('error'),
    );
    return () => {
      isCurrent = false;
    };
  }, [api, query, conversationId]);

  const loadMore = useCallback(() => {
    if (!next || isLoadingMore) {
      return;
    }
    setIsLoadingMore(true);
    api.search(query, conversationId, next).then(
      (page) => {
        setResults((current) => [...current, ...page.items]);
        setNext(page.next);
        setIsLoadingMore(false);
      },
      () => setIsLoadingMore(false),
    );
  }, [api, query, conversationId, next, isLoadingMore]);

  return { results, load, hasMore: next !== undefined, isLoadingMore, loadMore };
}
