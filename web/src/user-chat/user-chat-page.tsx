import { useDocumentTitle } from '../document-title.js';
import { useSignedIn } from '../session/session-context.js';
import { sideOfMessage } from '../thread/sides.js';
import { ThreadView } from '../thread/thread-view.js';
import { useThread } from '../thread/use-thread.js';
import styles from './user-chat-page.module.css';
import { useOwnConversation } from './use-own-conversation.js';

export function UserChatPage() {
  const { session } = useSignedIn();
  const viewer = session.user;
  const own = useOwnConversation();
  const conversation = own.state === 'ready' ? own.conversation : undefined;
  const thread = useThread({
    conversationId: conversation?.id,
    conversationUserId: viewer.id,
    viewer,
    onConversationStarted: own.adopt,
  });
  const unread = thread.messages.filter((message) => !message.isRead && sideOfMessage(message) === 'support').length;
  useDocumentTitle('Support', unread);

  return (
    <section className={styles.page} aria-labelledby="user-chat-title">
      <div className={styles.header}>
        <h1 id="user-chat-title" className={styles.title}>
          Support
        </h1>
        {conversation?.status === 'CLOSED' && (
          <p className={styles.closed} data-testid="conversation-closed">
            This conversation was closed. Writing a message reopens it.
          </p>
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
        <ThreadView
          thread={thread}
          viewer={viewer}
          emptyText="No messages yet. Write to Support and we will answer here."
          placeholder="Write to Support…"
        />
      )}
    </section>
  );
}
