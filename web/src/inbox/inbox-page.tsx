import { useId, useState } from 'react';
import type { ConversationStatus } from '../api/api-client.js';
import type { SearchResultView } from '@contract/search';
import { useDocumentTitle } from '../document-title.js';
import { conversationRoute, inboxSelectionOf, ROUTES } from '../routing/routes.js';
import { navigate } from '../routing/use-route.js';
import { SearchBox } from '../search/search-box.js';
import { SearchResults } from '../search/search-results.js';
import { useMessageSearch } from '../search/use-message-search.js';
import { useSignedIn } from '../session/session-context.js';
import { usePageVisible } from '../thread/use-page-visible.js';
import { ConversationList } from './conversation-list.js';
import { ConversationPane } from './conversation-pane.js';
import styles from './inbox-page.module.css';
import { NewConversationPanel } from './new-conversation-panel.js';
import { useConversationList } from './use-conversation-list.js';
import { type AssignmentCounts, useAssignmentCounts } from '../assignment/use-assignment-counts.js';
import { useAllViewers } from '../assignment/use-all-viewers.js';
import { useDebounced } from './use-debounced.js';
import { useUnreadCounts } from './use-unread-counts.js';

const FILTERS: { label: string; status?: ConversationStatus }[] = [
  { label: 'Active', status: 'ACTIVE' },
  { label: 'Closed', status: 'CLOSED' },
  { label: 'All', status: undefined },
];
const TABS: { label: string; assignee?: 'me' | 'none'; count: keyof AssignmentCounts }[] = [
  { label: 'Mine', assignee: 'me', count: 'mine' },
  { label: 'Unassigned', assignee: 'none', count: 'unassigned' },
  { label: 'All', assignee: undefined, count: 'all' },
];
const SEARCH_DELAY_MS = 250;

export function InboxPage({ path }: { path: string }) {
  const { session } = useSignedIn();
  const selection = inboxSelectionOf(path) ?? { kind: 'none' };
  const [status, setStatus] = useState<ConversationStatus | undefined>('ACTIVE');
  const [search, setSearch] = useState('');
  const q = useDebounced(search, SEARCH_DELAY_MS);
  const [assignee, setAssignee] = useState<'me' | 'none' | undefined>(undefined);
  const list = useConversationList({
    status,
    q,
    assignee: assignee === 'me' ? { kind: 'me', viewerId: session.user.id } : assignee === 'none' ? { kind: 'none' } : undefined,
  });
  const counts = useAssignmentCounts(status);
  const viewers = useAllViewers();
  const tabsId = useId();
  const listId = useId();
  const openId = selection.kind === 'conversation' ? selection.id : undefined;
  const unread = useUnreadCounts(openId, usePageVisible());
  const [messageQuery, setMessageQuery] = useState('');
  const messageSearch = useMessageSearch(useDebounced(messageQuery, SEARCH_DELAY_MS));
  const isSearchingMessages = messageQuery.trim() !== '';
  // The search hit last opened: its conversation loads around it and scrolls to it.
  const [jump, setJump] = useState<{ conversationId: number; messageId: number }>();
  const focusMessageId = jump && jump.conversationId === openId ? jump.messageId : undefined;

  const openHit = (hit: SearchResultView) => {
    setJump({ conversationId: hit.conversation.id, messageId: hit.message.id });
    navigate(conversationRoute(hit.conversation.id));
  };
  useDocumentTitle('Inbox', unread.total);

  return (
    <div className={styles.inbox} data-showing={selection.kind === 'none' ? 'list' : 'pane'}>
      <nav className={styles.sidebar} aria-labelledby="inbox-title">
        <div className={styles.sidebarHeader}>
          <h1 id="inbox-title" className={styles.title}>
            Inbox
          </h1>
          <a
            href={ROUTES.reports}
            className={styles.reportsLink}
            onClick={(event) => {
              event.preventDefault();
              navigate(ROUTES.reports);
            }}
          >
            Reports
          </a>
          <button type="button" onClick={() => navigate(ROUTES.newConversation)}>
            New conversation
          </button>
        </div>
        <div className={styles.tools}>
          <SearchBox
            label="Search messages"
            placeholder="Search messages"
            value={messageQuery}
            onChange={setMessageQuery}
            className={styles.search}
          />
          {/* Status and name filters apply to the conversation list, not to message hits. */}
          {!isSearchingMessages && (
            <>
              {/* Tabs over the one list below; arrow keys move between them (the ARIA tabs pattern). */}
              <div role="tablist" aria-label="Assigned to" className={styles.filters} data-testid="assignment-tabs">
                {TABS.map((tab, index) => {
                  const isSelected = assignee === tab.assignee;
                  return (
                    <button
                      key={tab.label}
                      id={`${tabsId}-${tab.count}`}
                      type="button"
                      role="tab"
                      className={styles.filter}
                      aria-selected={isSelected}
                      aria-controls={listId}
                      tabIndex={isSelected ? 0 : -1}
                      onClick={() => setAssignee(tab.assignee)}
                      onKeyDown={(event) => {
                        const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
                        if (step !== 0) {
                          event.preventDefault();
                          const target = TABS[(index + step + TABS.length) % TABS.length];
                          setAssignee(target?.assignee);
                          document.getElementById(`${tabsId}-${target?.count ?? ''}`)?.focus();
                        }
                      }}
                      data-tab={tab.count}
                    >
                      {tab.label}
                      {counts && <span className={styles.tabCount}> {counts[tab.count]}</span>}
                    </button>
                  );
                })}
              </div>
              <div role="group" aria-label="Show conversations" className={styles.filters}>
                {FILTERS.map((filter) => (
                  <button
                    key={filter.label}
                    type="button"
                    className={styles.filter}
                    aria-pressed={status === filter.status}
                    onClick={() => setStatus(filter.status)}
                  >
                    {filter.label}
                  </button>
                ))}
              </div>
              <SearchBox
                label="Search by user name or email"
                placeholder="Search name or email"
                value={search}
                onChange={setSearch}
                className={styles.search}
              />
            </>
          )}
        </div>
        <div
          className={styles.listScroller}
          id={listId}
          role="tabpanel"
          aria-labelledby={`${tabsId}-${TABS.find((tab) => tab.assignee === assignee)?.count ?? 'all'}`}
        >
          {isSearchingMessages ? (
            <SearchResults search={messageSearch} selectedMessageId={focusMessageId} onOpen={openHit} />
          ) : (
            <ConversationList list={list} unread={unread} selectedId={openId} viewerId={session.user.id} viewers={viewers} />
          )}
        </div>
      </nav>
      <section className={styles.pane} aria-label="Conversation">
        {selection.kind === 'conversation' && (
          <ConversationPane
            key={`${selection.id}:${focusMessageId ?? ''}`}
            conversationId={selection.id}
            focusMessageId={focusMessageId}
            onMarkedRead={unread.markRead}
          />
        )}
        {selection.kind === 'new' && <NewConversationPanel />}
        {selection.kind === 'none' && <p className={styles.empty}>Pick a conversation on the left, or start a new one.</p>}
      </section>
    </div>
  );
}
