import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import type { ConversationView } from '@contract/conversations';
import type { MessageView } from '@contract/messages';
import { ApiError } from '../api/api-error.js';
import { ConnectionBanner } from '../realtime/connection-banner.js';
import { useChatConnection } from '../realtime/connection-context.js';
import { useSocketEvent } from '../realtime/use-socket-event.js';
import { useSignedIn } from '../session/session-context.js';
import { sideOfMessage } from '../thread/sides.js';
import { useOwnConversation } from '../user-chat/use-own-conversation.js';
import { UserThread } from '../user-chat/user-thread.js';
import { postToHost } from './parent-channel.js';
import { supportOnline, updateContact, type WidgetSession } from './widget-api.js';
import styles from './widget.module.css';

function useSupportOnline(): boolean | undefined {
  const { session } = useSignedIn();
  const { catchUps } = useChatConnection();
  const [online, setOnline] = useState<boolean>();
  const [checks, setChecks] = useState(0);
  useEffect(() => {
    let isCurrent = true;
    supportOnline(session.accessToken).then(
      (value) => isCurrent && setOnline(value),
      () => undefined,
    );
    return () => {
      isCurrent = false;
    };
  }, [session.accessToken, catchUps, checks]);
  // An agent came or went: ask again (another agent may still be online).
  useSocketEvent('presence', (presence) => {
    if (presence.role === 'ADMIN') {
      setChecks((count) => count + 1);
    }
  });
  return online;
}

// While the panel is closed the thread is not mounted (it would mark replies read); the badge shows the server's
// count, fetched again on every (re)connect, reply and read receipt, so a race between the two can never count one twice.
// Every support reply is announced to the host page once (`message`): live, or after a reconnect from what the
// socket missed meanwhile (asked with afterSeq from the highest seq this frame has seen).
function useUnreadWhileClosed(isOpen: boolean, conversation: ConversationView | undefined): number {
  const { api } = useSignedIn();
  const { catchUps } = useChatConnection();
  const [unread, setUnread] = useState(0);
  const [replies, setReplies] = useState(0);
  const announced = useRef(new Set<number>());
  // Per conversation, the highest seq seen live or caught up; what the frame found at load is not announced.
  const seenSeq = useRef(new Map<number, number>());

  useEffect(() => {
    if (isOpen) {
      setUnread(0);
      return;
    }
    let isCurrent = true;
    api.unreadCount().then(
      (value) => isCurrent && setUnread(value.count),
      () => undefined,
    );
    return () => {
      isCurrent = false;
    };
  }, [api, catchUps, isOpen, replies]);

  const announce = (message: MessageView) => {
    seenSeq.current.set(message.conversationId, Math.max(seenSeq.current.get(message.conversationId) ?? 0, message.seq));
    if (sideOfMessage(message) !== 'support' || announced.current.has(message.id)) {
      return false;
    }
    announced.current.add(message.id);
    postToHost({
      type: 'message',
      message: { id: message.id, conversationId: message.conversationId, content: message.content, sender: { name: message.sender.name } },
    });
    return true;
  };

  useEffect(() => {
    if (conversation && !seenSeq.current.has(conversation.id)) {
      seenSeq.current.set(conversation.id, conversation.lastSeq);
    }
  }, [conversation]);

  useEffect(() => {
    const conversationId = conversation?.id;
    const afterSeq = conversationId === undefined ? undefined : seenSeq.current.get(conversationId);
    if (catchUps === 0 || conversationId === undefined || afterSeq === undefined) {
      return;
    }
    api.messagesAfter(conversationId, afterSeq).then(
      (page) => page.items.forEach((message) => !message.isRead && announce(message)),
      () => undefined,
    );
    // Only a reconnect asks again; the conversation's own changes arrive live.
  }, [api, catchUps]);

  useSocketEvent('newMessage', (message) => {
    if (announce(message) && !isOpen) {
      setReplies((count) => count + 1);
    }
  });
  // Read in another tab of the product (its panel open there): this badge follows.
  useSocketEvent('messagesRead', () => {
    if (!isOpen) {
      setReplies((count) => count + 1);
    }
  });

  useEffect(() => {
    postToHost({ type: 'unread', count: unread });
  }, [unread]);
  return unread;
}

function PreChatForm({ onDone }: { onDone(contact: WidgetSession['contact']): void }) {
  const { session } = useSignedIn();
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string>();
  const [isSaving, setIsSaving] = useState(false);
  const inputId = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setIsSaving(true);
    setError(undefined);
    updateContact(session.accessToken, { email: email.trim() }).then(onDone, (failure: unknown) => {
      setIsSaving(false);
      setError(
        failure instanceof ApiError && failure.issues[0] ? `Email ${failure.issues[0].message}` : 'Could not save your email. Try again.',
      );
    });
  };

  return (
    <form className={styles.preChat} onSubmit={submit} noValidate>
      <p>Before we start: where can we reach you if you leave?</p>
      <label htmlFor={inputId}>Your email</label>
      <input
        id={inputId}
        type="email"
        autoComplete="email"
        required
        value={email}
        onChange={(event) => setEmail(event.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${inputId}-error` : undefined}
      />
      {error && (
        <p id={`${inputId}-error`} role="alert" className={styles.error}>
          {error}
        </p>
      )}
      <button type="submit" disabled={isSaving || email.trim() === ''}>
        Start chat
      </button>
    </form>
  );
}

export interface WidgetChatProps {
  isOpen: boolean;
  contact: WidgetSession['contact'];
  onContactChanged(contact: WidgetSession['contact']): void;
}

export function WidgetChat({ isOpen, contact, onContactChanged }: WidgetChatProps) {
  const own = useOwnConversation();
  const online = useSupportOnline();
  useUnreadWhileClosed(isOpen, own.state === 'ready' ? own.conversation : undefined);
  const panelRef = useRef<HTMLDivElement>(null);
  const needsEmail = contact.isVisitor && !contact.hasEmail;

  // Opening the panel puts the cursor where the person will type. The loader focuses this frame as it opens the
  // panel; whichever arrives last (that focus or the "open" message) places the cursor.
  useEffect(() => {
    if (!isOpen) {
      return;
    }
    const focusInput = () => {
      const panel = panelRef.current;
      if (document.activeElement === document.body || document.activeElement === null) {
        (panel?.querySelector<HTMLElement>('textarea') ?? panel?.querySelector<HTMLElement>('input[type="email"]'))?.focus();
      }
    };
    focusInput();
    window.addEventListener('focus', focusInput);
    return () => window.removeEventListener('focus', focusInput);
  }, [isOpen, own.state, needsEmail]);

  return (
    <div className={styles.panel} ref={panelRef}>
      <header className={styles.header}>
        <h1 className={styles.title}>Support</h1>
        <p className={styles.presence} data-testid="support-presence">
          <span className={online ? styles.dotOnline : styles.dotAway} aria-hidden="true" />
          {online === undefined ? '' : online ? 'Support is online' : 'Support is away'}
        </p>
      </header>
      <ConnectionBanner />
      {isOpen &&
        (needsEmail ? (
          <PreChatForm onDone={onContactChanged} />
        ) : own.state === 'failed' ? (
          <p className={styles.notice}>
            Your conversation could not be loaded.{' '}
            <button type="button" onClick={own.reload}>
              Try again
            </button>
          </p>
        ) : (
          <div className={styles.thread}>
            <UserThread conversation={own.state === 'ready' ? own.conversation : undefined} onConversationStarted={own.adopt} />
          </div>
        ))}
    </div>
  );
}
