import { useState } from 'react';
import { errorText } from '../api/api-error.js';
import { ROUTES } from '../routing/routes.js';
import { navigate } from '../routing/use-route.js';
import { useSignedIn } from '../session/session-context.js';
import { ThreadView } from '../thread/thread-view.js';
import { useThread } from '../thread/use-thread.js';
import { AssignmentControl } from '../assignment/assignment-control.js';
import controlStyles from '../assignment/assignment-control.module.css';
import { useViewers } from '../assignment/use-viewers.js';
import styles from './conversation-pane.module.css';
import { useConversation } from './use-conversation.js';

export function BackToList() {
  return (
    <button
      type="button"
      className={`secondary-button ${styles.back}`}
      onClick={() => navigate(ROUTES.inbox)}
      aria-label="Back to conversations"
    >
      <span aria-hidden="true">←</span> Back
    </button>
  );
}

export interface ConversationPaneProps {
  conversationId: number;
  // A search hit to load the conversation around and scroll to.
  focusMessageId?: number;
  onMarkedRead(conversationId: number): void;
}

export function ConversationPane({ conversationId, focusMessageId, onMarkedRead }: ConversationPaneProps) {
  const { api, session } = useSignedIn();
  const loaded = useConversation(conversationId);
  const conversation = loaded.state === 'ready' ? loaded.conversation : undefined;
  const thread = useThread({
    conversationId,
    focusMessageId,
    conversationUserId: conversation?.userId,
    viewer: session.user,
    onMarkedRead,
  });
  const viewers = useViewers(conversationId);
  const [statusFailure, setStatusFailure] = useState<string>();
  const [isChangingStatus, setIsChangingStatus] = useState(false);

  if (loaded.state === 'missing' || loaded.state === 'failed') {
    return (
      <div className={styles.pane}>
        <BackToList />
        <p className={styles.notice}>
          {loaded.state === 'missing' ? 'This conversation does not exist.' : 'This conversation could not be loaded.'}
        </p>
      </div>
    );
  }

  const isClosed = conversation?.status === 'CLOSED';
  const toggleStatus = () => {
    if (!conversation) {
      return;
    }
    setIsChangingStatus(true);
    setStatusFailure(undefined);
    api.setStatus(conversation.id, isClosed ? 'ACTIVE' : 'CLOSED').then(
      (updated) => {
        loaded.update(updated);
        setIsChangingStatus(false);
      },
      (error: unknown) => {
        setStatusFailure(errorText(error, 'The status could not be changed.'));
        setIsChangingStatus(false);
      },
    );
  };

  return (
    <div className={styles.pane}>
      <div className={styles.header}>
        <BackToList />
        <div className={styles.who}>
          <h2 className={styles.name}>{conversation?.user.name ?? 'Loading…'}</h2>
          <span className={styles.email}>{conversation?.user.email}</span>
        </div>
        {isClosed && (
          <span className={styles.closed} data-testid="conversation-closed">
            Closed
          </span>
        )}
        <button type="button" className="secondary-button" onClick={toggleStatus} disabled={!conversation || isChangingStatus}>
          {isClosed ? 'Reopen' : 'Close'}
        </button>
      </div>
      {conversation && (
        <div className={controlStyles.control}>
          <AssignmentControl conversation={conversation} onChanged={loaded.update} />
          {viewers.length > 0 && (
            <span className={controlStyles.viewing} data-testid="also-viewing" role="status">
              {viewers.map((viewer) => viewer.name).join(', ')} {viewers.length === 1 ? 'is' : 'are'} also viewing
            </span>
          )}
          {conversation.rating && (
            <span className={controlStyles.rating} data-testid="conversation-rating">
              Rated {conversation.rating.score}/5{conversation.rating.comment ? `: “${conversation.rating.comment}”` : ''}
            </span>
          )}
        </div>
      )}
      {statusFailure && (
        <p className={styles.failure} role="alert">
          {statusFailure}
        </p>
      )}
      <ThreadView
        thread={thread}
        viewer={session.user}
        emptyText="No messages in this conversation yet."
        placeholder={isClosed ? 'Reply (this reopens the conversation)…' : 'Reply…'}
        agent={{
          placeholders: {
            userName: conversation?.user.name ?? '',
            userEmail: conversation?.user.email ?? '',
            agentName: session.user.name,
          },
        }}
      />
    </div>
  );
}
