import type { MouseEvent } from 'react';
import type { ConversationListItem } from '@contract/conversations';
import { conversationRoute } from '../routing/routes.js';
import { navigate } from '../routing/use-route.js';
import { formatListTime } from '../thread/day-groups.js';
import { sideOfMessage } from '../thread/sides.js';
import styles from './conversation-list.module.css';
import type { ConversationList as ListState } from './use-conversation-list.js';
import type { UnreadCounts } from './use-unread-counts.js';

function preview(item: ConversationListItem, viewerId: number): string {
  const last = item.lastMessage;
  if (!last) {
    return 'No messages yet';
  }
  // A message may be only files: their names stand in for the text.
  const text = last.content || last.attachments.map((attachment) => `📎 ${attachment.fileName}`).join(', ');
  if (sideOfMessage(last) === 'user') {
    return text;
  }
  return `${last.senderId === viewerId ? 'You' : last.sender.name}: ${text}`;
}

function open(event: MouseEvent<HTMLAnchorElement>, id: number) {
  // Plain links, so middle-click and "open in new tab" still work.
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
    return;
  }
  event.preventDefault();
  navigate(conversationRoute(id));
}

export interface ConversationListProps {
  list: ListState;
  unread: UnreadCounts;
  selectedId?: number;
  viewerId: number;
  // Other admins who have each conversation open (collision).
  viewers?: Map<number, string[]>;
}

export function ConversationList({ list, unread, selectedId, viewerId, viewers }: ConversationListProps) {
  if (list.load === 'loading') {
    return <p className={styles.notice}>Loading conversations…</p>;
  }
  if (list.load === 'error') {
    return (
      <p className={styles.notice}>
        The conversations could not be loaded.{' '}
        <button type="button" className="secondary-button" onClick={list.reload}>
          Try again
        </button>
      </p>
    );
  }
  if (list.items.length === 0) {
    return <p className={styles.notice}>No conversations here.</p>;
  }
  return (
    <>
      <ul className={styles.list} data-testid="conversation-list">
        {list.items.map((item) => {
          const count = unread.of(item.id) ?? item.unreadCount;
          const isClosed = item.status === 'CLOSED';
          return (
            <li key={item.id}>
              <a
                href={conversationRoute(item.id)}
                className={styles.item}
                aria-current={item.id === selectedId ? 'page' : undefined}
                onClick={(event) => open(event, item.id)}
                data-conversation-id={item.id}
              >
                <span className={styles.top}>
                  <span className={styles.name}>{item.user.name}</span>
                  <time className={styles.time} dateTime={item.lastMessageAt}>
                    {formatListTime(item.lastMessageAt)}
                  </time>
                </span>
                <span className={styles.email}>{item.user.email}</span>
                <span className={styles.assignment}>
                  <span data-testid="list-assignee">
                    {item.assignee
                      ? item.assignee.id === viewerId
                        ? 'Assigned to you'
                        : `Assigned to ${item.assignee.name}`
                      : 'Unassigned'}
                  </span>
                  {(viewers?.get(item.id)?.length ?? 0) > 0 && (
                    <span className={styles.viewing} data-testid="list-viewing">
                      {viewers?.get(item.id)?.join(', ')} viewing
                    </span>
                  )}
                </span>
                <span className={styles.bottom}>
                  <span className={count > 0 ? styles.previewUnread : styles.preview}>{preview(item, viewerId)}</span>
                  {isClosed && <span className={styles.closed}>Closed</span>}
                  {count > 0 && (
                    <span className={styles.badge} data-testid="unread-badge">
                      {count}
                      <span className="visually-hidden"> unread</span>
                    </span>
                  )}
                </span>
              </a>
            </li>
          );
        })}
      </ul>
      {list.hasMore && (
        <button type="button" className={`secondary-button ${styles.more}`} onClick={list.loadMore} disabled={list.isLoadingMore}>
          {list.isLoadingMore ? 'Loading…' : 'Load more conversations'}
        </button>
      )}
    </>
  );
}
