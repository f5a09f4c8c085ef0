import type { MouseEvent } from 'react';
import type { SearchResultView } from '@contract/search';
import { conversationRoute } from '../routing/routes.js';
import { formatListTime } from '../thread/day-groups.js';
import styles from './search-results.module.css';
import { SnippetText } from './snippet-text.js';
import type { MessageSearch } from './use-message-search.js';

export interface SearchResultsProps {
  search: MessageSearch;
  selectedMessageId?: number;
  onOpen(hit: SearchResultView): void;
  // Users search their own thread: hits say who wrote, and link to their chat page.
  viewer?: { id: number; chatPath: string };
}

function authorOf(hit: SearchResultView, viewerId: number | undefined): { name: string; detail: string } {
  const sender = hit.message.sender;
  if (viewerId !== undefined) {
    return { name: hit.message.senderId === viewerId ? 'You' : 'Support', detail: '' };
  }
  return { name: hit.conversation.user.name, detail: sender.role === 'ADMIN' ? `${sender.name} (support)` : 'From the user' };
}

export function SearchResults({ search, selectedMessageId, onOpen, viewer }: SearchResultsProps) {
  if (search.load === 'loading') {
    return <p className={styles.notice}>Searching…</p>;
  }
  if (search.load === 'error') {
    return <p className={styles.notice}>The search failed. Change the words to try again.</p>;
  }
  if (search.load === 'ready' && search.results.length === 0) {
    return <p className={styles.notice}>No messages found.</p>;
  }
  const open = (event: MouseEvent<HTMLAnchorElement>, hit: SearchResultView) => {
    // Plain links, so "open in new tab" still works (without the jump to the message).
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    onOpen(hit);
  };
  return (
    <>
      <ul className={styles.list} aria-label="Messages found" data-testid="search-results">
        {search.results.map((hit) => {
          const author = authorOf(hit, viewer?.id);
          return (
            <li key={hit.message.id}>
              <a
                href={viewer?.chatPath ?? conversationRoute(hit.conversation.id)}
                className={styles.item}
                aria-current={hit.message.id === selectedMessageId ? 'true' : undefined}
                onClick={(event) => open(event, hit)}
                data-message-id={hit.message.id}
              >
                <span className={styles.top}>
                  <span className={styles.name}>{author.name}</span>
                  <time className={styles.time} dateTime={hit.message.createdAt}>
                    {formatListTime(hit.message.createdAt)}
                  </time>
                </span>
                {author.detail && <span className={styles.from}>{author.detail}</span>}
                <span className={styles.snippet}>
                  <SnippetText parts={hit.snippet} />
                </span>
              </a>
            </li>
          );
        })}
      </ul>
      {search.hasMore && (
        <button type="button" className={`secondary-button ${styles.more}`} onClick={search.loadMore} disabled={search.isLoadingMore}>
          {search.isLoadingMore ? 'Loading…' : 'More results'}
        </button>
      )}
    </>
  );
}
