import { useState } from 'react';
import type { SearchResultView } from '@contract/search';
import { useDebounced } from '../inbox/use-debounced.js';
import { ROUTES } from '../routing/routes.js';
import { SearchBox } from '../search/search-box.js';
import { SearchResults } from '../search/search-results.js';
import { useMessageSearch } from '../search/use-message-search.js';
import { useSignedIn } from '../session/session-context.js';
import { RatingPrompt, RatingThanks } from '../ratings/rating-prompt.js';
import styles from './user-chat-page.module.css';
import { useOwnConversation } from './use-own-conversation.js';
import { UserThread } from './user-thread.js';

const SEARCH_DELAY_MS = 250;

export function UserChatPage() {
  const { session } = useSignedIn();
  const own = useOwnConversation();
  const conversation = own.state === 'ready' ? own.conversation : undefined;
  const [query, setQuery] = useState('');
  const search = useMessageSearch(useDebounced(query, SEARCH_DELAY_MS), conversation?.id);
  const [focusMessageId, setFocusMessageId] = useState<number>();
  const isSearching = conversation !== undefined && query.trim() !== '';
  // Rated here: thanked until the conversation changes.
  const [ratedId, setRatedId] = useState<number>();

  const openHit = (hit: SearchResultView) => {
    setFocusMessageId(hit.message.id);
    setQuery('');
  };

  return (
    <section className={styles.page} aria-labelledby="user-chat-title">
      <div className={styles.header}>
        <div className={styles.titleRow}>
          <h1 id="user-chat-title" className={styles.title}>
            Support
          </h1>
          {conversation && (
            <SearchBox label="Search messages" placeholder="Search messages" value={query} onChange={setQuery} className={styles.search} />
          )}
        </div>
        {conversation?.status === 'CLOSED' && (
          <p className={styles.closed} data-testid="conversation-closed">
            This conversation was closed. Writing a message reopens it.
          </p>
        )}
        {conversation && ratedId === conversation.id ? (
          <RatingThanks />
        ) : (
          conversation?.status === 'CLOSED' &&
          conversation.rating === null && (
            <RatingPrompt key={conversation.id} conversation={conversation} onRated={() => setRatedId(conversation.id)} />
          )
        )}
      </div>
      {own.state === 'failed' ? (
        <p className={styles.failed}>
          Your conversation could not be loaded.{' '}
          <button type="button" onClick={own.reload}>
            Try again
          </button>
        </p>
      ) : (
        <>
          {isSearching && (
            <div className={styles.results}>
              <SearchResults search={search} onOpen={openHit} viewer={{ id: session.user.id, chatPath: ROUTES.userChat }} />
            </div>
          )}
          {/* Kept mounted under the results, so a draft and unsent messages survive a search and a jump. */}
          <div className={styles.thread} hidden={isSearching}>
            <UserThread conversation={conversation} focusMessageId={focusMessageId} onConversationStarted={own.adopt} />
          </div>
        </>
      )}
    </section>
  );
}
