import type { TypingView } from '../api/server-types.js';
import { Composer } from './composer.js';
import { MessageList } from './message-list.js';
import styles from './thread-view.module.css';
import { useRemoteTyping } from './use-remote-typing.js';
import type { Thread } from './use-thread.js';
import { useTypingSignal } from './use-typing-signal.js';

function typingLine(typing: TypingView | undefined, viewerRole: TypingView['role']): string {
  if (!typing) {
    return '';
  }
  // Users talk to "Support", not to whichever agent is answering.
  return viewerRole === 'USER' && typing.role === 'ADMIN' ? 'Support is typing…' : `${typing.name} is typing…`;
}

export interface ThreadViewProps {
  thread: Thread;
  viewer: { id: number; role: TypingView['role'] };
  emptyText: string;
  placeholder: string;
}

// Messages, the typing line and the composer: the same on both sides.
export function ThreadView({ thread, viewer, emptyText, placeholder }: ThreadViewProps) {
  const typing = useRemoteTyping(thread.conversationId);
  const signal = useTypingSignal(thread.conversationId);
  return (
    <div className={styles.thread}>
      <MessageList thread={thread} viewerId={viewer.id} emptyText={emptyText} />
      <p className={styles.typing} aria-live="polite" data-testid="typing-line">
        {typingLine(typing, viewer.role)}
      </p>
      <Composer onSend={thread.send} onTypingActivity={signal.onActivity} onTypingStop={signal.stop} placeholder={placeholder} />
    </div>
  );
}
