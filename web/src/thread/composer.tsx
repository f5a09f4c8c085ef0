import { type FormEvent, type KeyboardEvent, useId, useState } from 'react';
import { MAX_MESSAGE_LENGTH, messageLength } from '../api/limits.js';
import styles from './composer.module.css';

// The counter appears as the text nears the limit.
const COUNTER_FROM = MAX_MESSAGE_LENGTH - 500;

export interface ComposerProps {
  onSend(content: string): void;
  onTypingActivity(): void;
  onTypingStop(): void;
  placeholder: string;
}

export function Composer({ onSend, onTypingActivity, onTypingStop, placeholder }: ComposerProps) {
  const [text, setText] = useState('');
  const [refusal, setRefusal] = useState<string>();
  const inputId = useId();
  const hintId = useId();
  const length = messageLength(text);
  const isTooLong = length > MAX_MESSAGE_LENGTH;

  const submit = () => {
    if (length === 0) {
      setRefusal('Write a message before sending.');
      return;
    }
    if (isTooLong) {
      return;
    }
    onSend(text);
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

  const hint = isTooLong
    ? `Too long: ${length} / ${MAX_MESSAGE_LENGTH} characters. Shorten it to send.`
    : (refusal ?? (length >= COUNTER_FROM ? `${length} / ${MAX_MESSAGE_LENGTH} characters` : ''));
  return (
    <form className={styles.composer} onSubmit={onSubmit}>
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
        onBlur={onTypingStop}
      />
      <button type="submit" className={styles.send} aria-disabled={isTooLong || length === 0}>
        Send
      </button>
      <p id={hintId} className={isTooLong || refusal ? styles.error : styles.hint} aria-live="polite">
        {hint}
      </p>
    </form>
  );
}
