import { type DragEvent, useState } from 'react';
import type { AttachmentView } from '@contract/messages';
import type { TypingView } from '@contract/realtime';
import { useUploads } from '../attachments/use-uploads.js';
import { offerPush } from '../push/push-registration.js';
import { useSignedIn } from '../session/session-context.js';
import type { PlaceholderValues } from '../canned-responses/fill-placeholders.js';
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
  if (viewerRole === 'USER' && typing.role === 'ADMIN') {
    return 'Support is typing…';
  }
  // Admins see whether a colleague is answering the customer or writing a note.
  if (typing.role === 'ADMIN') {
    return typing.isPrivate ? `${typing.name} is typing a note…` : `${typing.name} is typing a reply…`;
  }
  return `${typing.name} is typing…`;
}

export interface ThreadViewProps {
  thread: Thread;
  viewer: { id: number; role: TypingView['role'] };
  emptyText: string;
  placeholder: string;
  // Admins: notes and canned responses filled in for this conversation's user.
  agent?: { placeholders: PlaceholderValues };
}

// Messages, the typing line and the composer: the same on both sides.
export function ThreadView({ thread, viewer, emptyText, placeholder, agent }: ThreadViewProps) {
  const typing = useRemoteTyping(thread.conversationId);
  const [isNote, setIsNote] = useState(false);
  const signal = useTypingSignal(thread.conversationId, isNote);
  const uploads = useUploads();
  const { api } = useSignedIn();
  // Notifications are offered once the person has written (never on load), from the send gesture itself.
  const send = (content: string, attachments: AttachmentView[]) => {
    thread.send(content, attachments, isNote);
    void offerPush(api);
  };
  const [isDragging, setIsDragging] = useState(false);

  // Files dropped anywhere on the conversation go to the composer.
  const hasFiles = (event: DragEvent) => event.dataTransfer.types.includes('Files');
  const onDragOver = (event: DragEvent) => {
    if (hasFiles(event)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
      setIsDragging(true);
    }
  };
  const onDragLeave = (event: DragEvent) => {
    if (!event.currentTarget.contains(event.relatedTarget as Node | null)) {
      setIsDragging(false);
    }
  };
  const onDrop = (event: DragEvent) => {
    setIsDragging(false);
    if (event.dataTransfer.files.length > 0) {
      event.preventDefault();
      uploads.add(Array.from(event.dataTransfer.files));
    }
  };

  return (
    <div
      className={styles.thread}
      data-dragging={isDragging || undefined}
      onDragOver={onDragOver}
      onDragLeave={onDragLeave}
      onDrop={onDrop}
    >
      <MessageList thread={thread} viewerId={viewer.id} emptyText={emptyText} />
      <p className={styles.typing} aria-live="polite" data-testid="typing-line">
        {typingLine(typing, viewer.role)}
      </p>
      <Composer
        onSend={send}
        uploads={uploads}
        onTypingActivity={signal.onActivity}
        onTypingStop={signal.stop}
        placeholder={placeholder}
        agentTools={agent && { isNote, setIsNote, placeholders: agent.placeholders }}
      />
    </div>
  );
}
