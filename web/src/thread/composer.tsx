import { type ClipboardEvent, type FormEvent, type KeyboardEvent, useId, useState } from 'react';
import { messageLength } from '../api/limits.js';
import { useServerOptions } from '../api/server-options.js';
import type { AttachmentView } from '@contract/messages';
import { AttachButton } from '../attachments/attach-button.js';
import { UploadChips } from '../attachments/upload-chips.js';
import type { Uploads } from '../attachments/use-uploads.js';
import { useSignedIn } from '../session/session-context.js';
import styles from './composer.module.css';

// The counter appears this close to the limit.
const COUNTER_MARGIN = 500;

export interface ComposerProps {
  onSend(content: string, attachments: AttachmentView[]): void;
  uploads: Uploads;
  onTypingActivity(): void;
  onTypingStop(): void;
  placeholder: string;
}

export function Composer({ onSend, uploads, onTypingActivity, onTypingStop, placeholder }: ComposerProps) {
  const [text, setText] = useState('');
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
    <form className={styles.composer} onSubmit={onSubmit}>
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
        placeholder={placeholder}
        aria-describedby={hintId}
        aria-invalid={isTooLong || undefined}
        onChange={(event) => {
          setText(event.target.value);
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
        Send
      </button>
      <p id={hintId} className={isTooLong || refusal ? styles.error : styles.hint} aria-live="polite">
        {hint}
      </p>
    </form>
  );
}
