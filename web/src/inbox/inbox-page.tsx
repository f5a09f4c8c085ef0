import { useId, useState } from 'react';
import type { ConversationStatus } from '../api/api-client.js';
import { useDocumentTitle } from '../document-title.js';
import { inboxSelectionOf, ROUTES } from '../routing/routes.js';
import { navigate } from '../routing/use-route.js';
import { useSignedIn } from '../session/session-context.js';
import { usePageVisible } from '../thread/use-page-visible.js';
import { ConversationList } from './conversation-list.js';
import { ConversationPane } from './conversation-pane.js';
import styles from './inbox-page.module.css';
import { NewConversationPanel } from './new-conversation-panel.js';
import { useConversationList } from './use-conversation-list.js';
import { useDebounced } from './use-debounced.js';
import { useUnreadCounts } from './use-unread-counts.js';

const FILTERS: { label: string; status?: ConversationStatus }[] = [
  { label: 'Active', status: 'ACTIVE' },
  { label: 'Closed', status: 'CLOSED' },
  { label: 'All', status: undefined },
];
const SEARCH_DELAY_MS = 250;

export function InboxPage({ path }: { path: string }) {
  const { session } = useSignedIn();
  const selection = inboxSelectionOf(path) ?? { kind: 'none' };
  const [status, setStatus] = useState<ConversationStatus | undefined>('ACTIVE');
  const [search, setSearch] = useState('');
  const q = useDebounced(search, SEARCH_DELAY_MS);
  const list = useConversationList({ status, q });
  const openId = selection.kind === 'conversation' ? selection.id : undefined;
  const unread = useUnreadCounts(openId, usePageVisible());
  const searchId = useId();
  useDocumentTitle('Inbox', unread.total);

  return (
    <div className={styles.inbox} data-showing={selection.kind === 'none' ? 'list' : 'pane'}>
      <nav className={styles.sidebar} aria-labelledby="inbox-title">
        <div className={styles.sidebarHeader}>
          <h1 id="inbox-title" className={styles.title}>
            Inbox
          </h1>
          <button type="button" onClick={() => navigate(ROUTES.newConversation)}>
            New conversation
          </button>
        </div>
        <div className={styles.tools}>
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
          <label htmlFor={searchId} className="visually-hidden">
            Search by user name or email
          </label>
          <input
            id={searchId}
            type="search"
            className={styles.search}
            placeholder="Search name or email"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
          />
        </div>
        <div className={styles.listScroller}>
          <ConversationList list={list} unread={unread} selectedId={openId} viewerId={session.user.id} />
        </div>
      </nav>
      <section className={styles.pane} aria-label="Conversation">
        {selection.kind === 'conversation' && (
          <ConversationPane key={selection.id} conversationId={selection.id} onMarkedRead={unread.markRead} />
        )}
        {selection.kind === 'new' && <NewConversationPanel />}
        {selection.kind === 'none' && <p className={styles.empty}>Pick a conversation on the left, or start a new one.</p>}
      </section>
    </div>
  );
}
