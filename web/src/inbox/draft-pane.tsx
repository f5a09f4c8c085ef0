import type { UserView } from '@contract/users';
import { useSignedIn } from '../session/session-context.js';
import { ThreadView } from '../thread/thread-view.js';
import { useThread } from '../thread/use-thread.js';
import styles from './conversation-pane.module.css';
import { BackToList } from './conversation-pane.js';

// A conversation that does not exist yet: the first message creates it (sendMessage with userId).
export function DraftPane({ user, onStarted }: { user: UserView; onStarted(conversationId: number): void }) {
  const { session } = useSignedIn();
  const thread = useThread({ draftUserId: user.id, conversationUserId: user.id, viewer: session.user, onConversationStarted: onStarted });
  return (
    <div className={styles.pane}>
      <div className={styles.header}>
        <BackToList />
        <div className={styles.who}>
          <h2 className={styles.name}>New conversation with {user.name}</h2>
          <span className={styles.email}>{user.email}</span>
        </div>
      </div>
      <ThreadView
        thread={thread}
        viewer={session.user}
        emptyText={`Write the first message to ${user.name}. They will see it when they sign in.`}
        placeholder={`Write to ${user.name}…`}
      />
    </div>
  );
}
