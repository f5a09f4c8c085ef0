import { useCallback, useEffect, useRef, useState } from 'react';
import type { ConversationListItem } from '@contract/conversations';
import { useChatConnection } from '../realtime/connection-context.js';
import { useSocketEvent } from '../realtime/use-socket-event.js';
import { useSignedIn } from '../session/session-context.js';
import {
  appendPage,
  type ListFilter,
  matchesFilter,
  upsertConversation,
  withConversation,
  withMessage,
} from './conversation-list-state.js';

export interface ConversationList {
  items: ConversationListItem[];
  load: 'loading' | 'ready' | 'error';
  hasMore: boolean;
  isLoadingMore: boolean;
  loadMore(): void;
  reload(): void;
}

// The inbox list: the first page for the filter, kept live by socket events, refetched after a reconnect.
export function useConversationList(filter: ListFilter): ConversationList {
  const { api } = useSignedIn();
  const { catchUps } = useChatConnection();
  const [items, setItems] = useState<ConversationListItem[]>([]);
  const [next, setNext] = useState<string>();
  const [load, setLoad] = useState<ConversationList['load']>('loading');
  const [isLoadingMore, setIsLoadingMore] = useState(false);
  const [reloads, setReloads] = useState(0);
  const itemsRef = useRef(items);
  const filterRef = useRef(filter);
  // Conversations changed by events since the current fetch began: its answer may predate them.
  const touchedSinceFetch = useRef(new Set<number>());
  useEffect(() => {
    itemsRef.current = items;
    filterRef.current = filter;
  });

  const { status, q } = filter;
  useEffect(() => {
    let isCurrent = true;
    setLoad((current) => (current === 'ready' ? current : 'loading'));
    touchedSinceFetch.current = new Set();
    api.conversations({ status, q: q.trim() || undefined }).then(
      (page) => {
        if (isCurrent) {
          const touched = touchedSinceFetch.current;
          setItems((current) => current.filter((item) => touched.has(item.id)).reduce(upsertConversation, page.items));
          setNext(page.next);
          setLoad('ready');
        }
      },
      () => isCurrent && setLoad('error'),
    );
    return () => {
      isCurrent = false;
    };
  }, [api, status, q, catchUps, reloads]);

  // A conversation this page has not got: fetched whole (with its unread count), kept if the filter wants it.
  const fetchAndInsert = useCallback(
    (conversationId: number) => {
      api.conversation(conversationId).then(
        (item) => matchesFilter(item, filterRef.current) && setItems((current) => upsertConversation(current, item)),
        () => undefined,
      );
    },
    [api],
  );

  // Merged inside the state update: two events in one tick must both see the other's change.
  const update = (conversationId: number, change: (item: ConversationListItem) => ConversationListItem) => {
    touchedSinceFetch.current.add(conversationId);
    if (!itemsRef.current.some((item) => item.id === conversationId)) {
      fetchAndInsert(conversationId);
      return;
    }
    setItems((current) => {
      const known = current.find((item) => item.id === conversationId);
      return known ? upsertConversation(current, change(known)) : current;
    });
  };
  useSocketEvent('newMessage', (message) => update(message.conversationId, (item) => withMessage(item, message)));
  useSocketEvent('conversationUpdated', (conversation) => update(conversation.id, (item) => withConversation(item, conversation)));

  const loadMore = useCallback(() => {
    if (!next || isLoadingMore) {
      return;
    }
    setIsLoadingMore(true);
    api.conversations({}, next).then(
      (page) => {
        setItems((current) => appendPage(current, page.items));
        setNext(page.next);
        setIsLoadingMore(false);
      },
      () => setIsLoadingMore(false),
    );
  }, [api, next, isLoadingMore]);

  const reload = useCallback(() => setReloads((count) => count + 1), []);
  return { items, load, hasMore: next !== undefined, isLoadingMore, loadMore, reload };
}
