import { useCallback, useEffect, useRef, useState } from 'react';
import type { ConversationListItem } from '@contract/conversations';
import { useConversationsStore } from '../conversations/conversations-provider.js';
import { useChatConnection } from '../realtime/connection-context.js';
import { useSignedIn } from '../session/session-context.js';
import { byActivity, type ListFilter, matchesAssignee, matchesFilter } from './conversation-list-state.js';

export interface ConversationList {
  items: ConversationListItem[];
  load: 'loading' | 'ready' | 'error';
  hasMore: boolean;
  isLoadingMore: boolean;
  loadMore(): void;
  reload(): void;
}

// The inbox list: which conversations the filter's pages hold (their data is the store's, kept live by socket
// events), plus conversations that events bring and the filter wants; refetched after a reconnect.
export function useConversationList(filter: ListFilter): ConversationList {
  const { api } = useSignedIn();
  const { catchUps } = useChatConnection();
  const store = useConversationsStore();
  const [members, setMembers] = useState<ReadonlySet<number>>(new Set());
  const [next, setNext] = useState<string>();
  const [load, setLoad] = useState<ConversationList['load']>('loading');
  const [isLoadingMore, setIsLoadingMore] = useState(false);
  const [reloads, setReloads] = useState(0);
  const filterRef = useRef(filter);
  // Conversations events touched since the current fetch began: its answer may predate them, so they stay.
  const touchedSinceFetch = useRef(new Set<number>());
  useEffect(() => {
    filterRef.current = filter;
  });

  const { status, q } = filter;
  const assigneeKind = filter.assignee?.kind;
  useEffect(() => {
    let isCurrent = true;
    setLoad((current) => (current === 'ready' ? current : 'loading'));
    touchedSinceFetch.current = new Set();
    api.conversations({ status, q: q.trim() || undefined, assignee: assigneeKind }).then(
      (page) => {
        if (isCurrent) {
          store.offer(page.items);
          const touched = touchedSinceFetch.current;
          setMembers((current) => new Set([...page.items.map((item) => item.id), ...[...current].filter((id) => touched.has(id))]));
          setNext(page.next);
          setLoad('ready');
        }
      },
      () => isCurrent && setLoad('error'),
    );
    return () => {
      isCurrent = false;
    };
  }, [api, store, status, q, assigneeKind, catchUps, reloads]);

  useEffect(
    () =>
      store.onArrival((conversationId) => {
        touchedSinceFetch.current.add(conversationId);
        setMembers((current) => {
          const item = store.get(conversationId);
          return current.has(conversationId) || !item || !matchesFilter(item, filterRef.current)
            ? current
            : new Set(current).add(conversationId);
        });
      }),
    [store],
  );

  const loadMore = useCallback(() => {
    if (!next || isLoadingMore) {
      return;
    }
    setIsLoadingMore(true);
    api.conversations({}, next).then(
      (page) => {
        store.offer(page.items);
        setMembers((current) => new Set([...current, ...page.items.map((item) => item.id)]));
        setNext(page.next);
        setIsLoadingMore(false);
      },
      () => setIsLoadingMore(false),
    );
  }, [api, store, next, isLoadingMore]);

  const reload = useCallback(() => setReloads((count) => count + 1), []);
  // Mine / Unassigned follow a colleague's assignment at once: a conversation that left the tab is not shown.
  const items = [...members]
    .flatMap((id) => store.get(id) ?? [])
    .filter((item) => matchesAssignee(item, filter))
    .sort(byActivity);
  return { items, load, hasMore: next !== undefined, isLoadingMore, loadMore, reload };
}
