import { type ClipboardEvent, type FormEvent, type KeyboardEvent, useId, useState } from 'react';
import { messageLength } from '../api/limits.js';
import { useServerOptions } from '../api/server-options.js';
import type { CannedResponseView } from '@contract/canned-responses';
import type { AttachmentView } from '@contract/messages';
import { AttachButton } from '../attachments/attach-button.js';
import { UploadChips } from '../attachments/upload-chips.js';
import type { Uploads } from '../attachments/use-uploads.js';
import { useSignedIn } from '../session/session-context.js';
import { CannedSuggestions } from '../canned-responses/canned-suggestions.js';
import { fillPlaceholders, type PlaceholderValues, slashQueryOf } from '../canned-responses/fill-placeholders.js';
import { useCannedSuggestions } from '../canned-responses/use-canned-suggestions.js';
import styles from './composer.module.css';

// The counter appears this close to the limit.
const COUNTER_MARGIN = 500;

// Admins only: writing a private note instead of a reply, and "/" canned responses filled in for this
// conversation's user.
export interface AgentTools {
  isNote: boolean;
  setIsNote(isNote: boolean): void;
  placeholders: PlaceholderValues;
}

export interface ComposerProps {
  onSend(content: string, attachments: AttachmentView[]): void;
  uploads: Uploads;
  onTypingActivity(): void;
  onTypingStop(): void;
  placeholder: string;
  agentTools?: AgentTools;
}

export function Composer({ onSend, uploads, onTypingActivity, onTypingStop, placeholder, agentTools }: ComposerProps) {
  const [text, setText] = useState('');
  const slash = agentTools ? slashQueryOf(text) : undefined;
  // Esc closes the list until the draft changes.
  const [dismissedFor, setDismissedFor] = useState<string>();
  const suggestions = useCannedSuggestions(slash && dismissedFor !== text ? slash.query : undefined);
  const [activeIndex, setActiveIndex] = useState(0);
  const listId = useId();
  const isListOpen = slash !== undefined && dismissedFor !== text && suggestions.length > 0;
  const active = Math.min(activeIndex, Math.max(0, suggestions.length - 1));
  const optionId = (index: number) => `${listId}-option-${index}`;
  const insert = (item: CannedResponseView) => {
    if (!agentTools || !slash) {
      return;
    }
    setText(text.slice(0, slash.start) + fillPlaceholders(item.content, agentTools.placeholders));
    setActiveIndex(0);
  };
  const [refusal, setRefusal] = useState<string>();
  const inputId = useId();
  const hintId = useId();
  const length = messageLength(text);
  // The server's configured limit (its default until GET /auth/options answers).
  const { maxMessageLength } = useServerOptions(useSignedIn().api);
  const isTooLong = length > maxMessageLength;
  const readyCount = uploads.items.filter((item) => item.state === 'done').length;
  const isEmpty = length === 0 && readyCount === 0;

  const submit = () => {
    if (uploads.isUploading) {
      setRefusal('Wait for the files to finish uploading.');
      return;
    }
    if (isEmpty) {
      setRefusal('Write a message or add a file before sending.');
      return;
    }
    if (isTooLong) {
      return;
    }
    onSend(text, uploads.take());
    onTypingStop();
    setText('');
    setRefusal(undefined);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (isListOpen) {
      const item = suggestions[active];
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setActiveIndex((active + step + suggestions.length) % suggestions.length);
        return;
      }
      if ((event.key === 'Enter' || event.key === 'Tab') && item && !event.shiftKey) {
        event.preventDefault();
        insert(item);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        setDismissedFor(text);
        return;
      }
    }
    // Enter sends; Shift+Enter is a newline; Enter that confirms an input-method composition is not a send.
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      submit();
    }
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit();
  };

  // Only files: pasted text keeps the browser's own handling.
  const onPaste = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    const files = Array.from(event.clipboardData.files);
    if (files.length > 0) {
      event.preventDefault();
      setRefusal(undefined);
      uploads.add(files);
    }
  };

  const hint = isTooLong
    ? `Too long: ${length} / ${maxMessageLength} characters. Shorten it to send.`
    : (refusal ?? (length >= maxMessageLength - COUNTER_MARGIN ? `${length} / ${maxMessageLength} characters` : ''));
  return (
    <form className={agentTools?.isNote ? `${styles.composer} ${styles.noteMode}` : styles.composer} onSubmit={onSubmit}>
      {agentTools && (
        <div role="group" aria-label="Write" className={styles.modes}>
          <button type="button" className={styles.mode} aria-pressed={!agentTools.isNote} onClick={() => agentTools.setIsNote(false)}>
            Reply
          </button>
          <button type="button" className={styles.mode} aria-pressed={agentTools.isNote} onClick={() => agentTools.setIsNote(true)}>
            Private note
          </button>
          <span className={styles.modeHint}>
            {agentTools.isNote ? 'Only admins see notes. @name notifies a colleague.' : 'Type / for canned responses.'}
          </span>
        </div>
      )}
      {isListOpen && <CannedSuggestions id={listId} items={suggestions} activeIndex={active} optionId={optionId} onPick={insert} />}
      <UploadChips items={uploads.items} onRemove={uploads.remove} />
      <AttachButton
        className={styles.attach}
        onFiles={(files) => {
          uploads.add(files);
          setRefusal(undefined);
        }}
      />
      <label htmlFor={inputId} className="visually-hidden">
        Message
      </label>
      <textarea
        id={inputId}
        className={styles.input}
        value={text}
        rows={2}
        placeholder={agentTools?.isNote ? 'Private note (only admins see it)…' : placeholder}
        aria-describedby={hintId}
        // Still a textbox (the list is a suggestion, not a picker); the listbox is driven from it.
        {...(agentTools
          ? {
              'aria-autocomplete': 'list' as const,
              'aria-controls': isListOpen ? listId : undefined,
              'aria-activedescendant': isListOpen ? optionId(active) : undefined,
            }
          : {})}
        aria-invalid={isTooLong || undefined}
        onChange={(event) => {
          setText(event.target.value);
          setActiveIndex(0);
          setRefusal(undefined);
          if (event.target.value.trim()) {
            onTypingActivity();
          }
        }}
        onKeyDown={onKeyDown}
        onPaste={onPaste}
        onBlur={onTypingStop}
      />
      <button type="submit" className={styles.send} aria-disabled={isTooLong || isEmpty || uploads.isUploading}>
        {agentTools?.isNote ? 'Add note' : 'Send'}
      </button>
      <p id={hintId} className={isTooLong || refusal ? styles.error : styles.hint} aria-live="polite">
        {hint}
      </p>
    </form>
  );
}
