import type { MessageView } from '@contract/messages';
import { MessageAttachments } from '../attachments/message-attachments.js';
import { formatTime } from './day-groups.js';
import styles from './message-list.module.css';
import { MessageText } from './message-text.js';
import type { OutgoingMessage } from './thread-state.js';

export interface MessageBubbleProps {
  message: MessageView;
  isOwn: boolean;
  showSender: boolean;
  // The search hit this thread was opened at: briefly highlighted.
  isFocused?: boolean;
}

export function MessageBubble({ message, isOwn, showSender, isFocused }: MessageBubbleProps) {
  const receipt = message.isRead ? 'Read' : 'Sent';
  return (
    <li
      className={isOwn ? styles.own : styles.theirs}
      data-message-id={message.id}
      data-focused={isFocused || undefined}
      data-private={message.isPrivate || undefined}
    >
      <div className={message.isPrivate ? `${styles.bubble} ${styles.note}` : styles.bubble}>
        {message.isPrivate && <span className={styles.noteLabel}>Private note</span>}
        {showSender && <span className={styles.sender}>{message.sender.name}</span>}
        <MessageAttachments attachments={message.attachments} />
        {message.content && (
          <p className={styles.text}>
            <MessageText text={message.content} />
          </p>
        )}
        <span className={styles.meta}>
          <time dateTime={message.createdAt}>{formatTime(message.createdAt)}</time>
          {isOwn && (
            <span className={styles.receipt} data-receipt={receipt.toLowerCase()} title={receipt}>
              <span aria-hidden="true">{message.isRead ? '✓✓' : '✓'}</span>
              <span className="visually-hidden">{receipt}</span>
            </span>
          )}
        </span>
      </div>
    </li>
  );
}

export function OutgoingBubble({ item, onRetry, onDiscard }: { item: OutgoingMessage; onRetry(): void; onDiscard(): void }) {
  return (
    <li className={styles.own} data-outgoing={item.state} data-private={item.isPrivate || undefined}>
      <div className={item.state === 'failed' ? styles.failedBubble : item.isPrivate ? `${styles.bubble} ${styles.note}` : styles.bubble}>
        {item.isPrivate && <span className={styles.noteLabel}>Private note</span>}
        {item.attachments.length > 0 && (
          <ul className={styles.outgoingFiles} aria-label="Files">
            {item.attachments.map((attachment) => (
              <li key={attachment.id}>{attachment.fileName}</li>
            ))}
          </ul>
        )}
        {item.content && (
          <p className={styles.text}>
            <MessageText text={item.content} />
          </p>
        )}
        {item.state === 'sending' ? (
          <span className={styles.meta}>Sending…</span>
        ) : (
          <span className={styles.failure} role="alert">
            Not sent — {item.failure}.{' '}
            <button type="button" className={styles.linkButton} onClick={onRetry}>
              Retry
            </button>{' '}
            <button type="button" className={styles.linkButton} onClick={onDiscard}>
              Discard
            </button>
          </span>
        )}
      </div>
    </li>
  );
}
