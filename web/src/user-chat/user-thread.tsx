import type { ConversationView } from '@contract/conversations';
import { useDocumentTitle } from '../document-title.js';
import { useSignedIn } from '../session/session-context.js';
import { sideOfMessage } from '../thread/sides.js';
import { ThreadView } from '../thread/thread-view.js';
import { useThread } from '../thread/use-thread.js';

export interface UserThreadProps {
  conversation?: ConversationView;
  // A search hit to open the thread at.
  focusMessageId?: number;
  onConversationStarted(conversationId: number): void;
}

export function UserThread({ conversation, focusMessageId, onConversationStarted }: UserThreadProps) {
  const { session } = useSignedIn();
  const viewer = session.user;
  const thread = useThread({
    conversationId: conversation?.id,
    focusMessageId,
    conversationUserId: viewer.id,
    viewer,
    onConversationStarted,
  });
  const unread = thread.messages.filter((message) => !message.isRead && sideOfMessage(message) === 'support').length;
  useDocumentTitle('Support', unread);
  return (
    <ThreadView
      thread={thread}
      viewer={viewer}
      emptyText="No messages yet. Write to Support and we will answer here."
      placeholder="Write to Support…"
    />
  );
}
