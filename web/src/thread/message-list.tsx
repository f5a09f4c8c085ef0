import { type UIEvent, useLayoutEffect, useRef } from 'react';
import { groupByDay } from './day-groups.js';
import { MessageBubble, OutgoingBubble } from './message-bubble.js';
import styles from './message-list.module.css';
import { sideOfMessage } from './sides.js';
import type { Thread } from './use-thread.js';

// Within this distance of an edge counts as "at" it.
const EDGE_PX = 80;

export function MessageList({ thread, viewerId, emptyText }: { thread: Thread; viewerId: number; emptyText: string }) {
  const scroller = useRef<HTMLDivElement>(null);
  const isAtBottom = useRef(true);
  const previous = useRef<{ firstId?: number; lastKey?: string; scrollHeight: number }>({ scrollHeight: 0 });
  const focusedId = useRef<number>(undefined);
  const { messages, outgoing } = thread;
  const firstId = messages[0]?.id;
  const lastOutgoing = outgoing.at(-1);
  const lastMessage = messages.at(-1);
  const lastKey = lastOutgoing ? `out:${lastOutgoing.clientMessageId}` : lastMessage ? `msg:${lastMessage.id}` : undefined;
  const isLastOwn = lastOutgoing !== undefined || (lastMessage !== undefined && lastMessage.senderId === viewerId);

  // Older pages go in above what is on screen: keep the same messages in view (browser scroll anchoring is
  // off for this element, so this is the only adjustment). New messages scroll down when the reader was at
  // the bottom, or wrote them.
  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) {
      return;
    }
    const before = previous.current;
    const isPrepended = before.firstId !== undefined && firstId !== before.firstId && lastKey === before.lastKey;
    if (isPrepended) {
      element.scrollTop += element.scrollHeight - before.scrollHeight;
    } else if (lastKey !== before.lastKey && (isAtBottom.current || isLastOwn)) {
      element.scrollTop = element.scrollHeight;
      isAtBottom.current = true;
    }
    // A search hit: once it is rendered, it goes to the middle of the view (after the bottom scroll above).
    const focusId = thread.focusMessageId;
    const target =
      focusId !== undefined && focusedId.current !== focusId && thread.load === 'ready'
        ? element.querySelector(`[data-message-id="${focusId}"]`)
        : null;
    if (target) {
      target.scrollIntoView({ block: 'center' });
      focusedId.current = focusId;
      isAtBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < EDGE_PX;
    }
    previous.current = { firstId, lastKey, scrollHeight: element.scrollHeight };
  });

  const onScroll = (event: UIEvent<HTMLDivElement>) => {
    const element = event.currentTarget;
    isAtBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight < EDGE_PX;
    previous.current.scrollHeight = element.scrollHeight;
    if (element.scrollTop < EDGE_PX && thread.hasOlder) {
      thread.loadOlder();
    }
  };

  const groups = groupByDay(messages, (message) => message.createdAt);
  const isEmpty = messages.length === 0 && outgoing.length === 0;
  return (
    <div
      ref={scroller}
      className={styles.scroller}
      onScroll={onScroll}
      tabIndex={0}
      role="log"
      aria-label="Messages"
      data-testid="message-list"
    >
      {thread.hasOlder && (
        <button type="button" className={styles.older} onClick={thread.loadOlder} disabled={thread.isLoadingOlder}>
          {thread.isLoadingOlder ? 'Loading earlier messages…' : 'Load earlier messages'}
        </button>
      )}
      {thread.load === 'loading' && messages.length === 0 && <p className={styles.notice}>Loading messages…</p>}
      {thread.load === 'error' && (
        <p className={styles.notice}>
          The messages could not be loaded.{' '}
          <button type="button" className={styles.linkButton} onClick={thread.reload}>
            Try again
          </button>
        </p>
      )}
      {thread.load === 'ready' && isEmpty && <p className={styles.notice}>{emptyText}</p>}
      {groups.map((group) => (
        <section key={group.key} aria-label={group.label}>
          <h3 className={styles.day}>{group.label}</h3>
          <ol className={styles.messages}>
            {group.items.map((message, index) => {
              const isOwn = sideOfMessage(message) === thread.viewerSide;
              const previousMessage = group.items[index - 1];
              // Names help where several people write on one side (support agents) or when the side changes.
              const showSender = message.senderId !== viewerId && previousMessage?.senderId !== message.senderId;
              return (
                <MessageBubble
                  key={message.id}
                  message={message}
                  isOwn={isOwn}
                  showSender={showSender}
                  isFocused={message.id === thread.focusMessageId}
                />
              );
            })}
          </ol>
        </section>
      ))}
      {outgoing.length > 0 && (
        <ol className={styles.messages} aria-label="Messages being sent">
          {outgoing.map((item) => (
            <OutgoingBubble
              key={item.clientMessageId}
              item={item}
              onRetry={() => thread.retry(item.clientMessageId)}
              onDiscard={() => thread.discard(item.clientMessageId)}
            />
          ))}
        </ol>
      )}
    </div>
  );
}
