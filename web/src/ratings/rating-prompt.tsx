import { type FormEvent, useId, useState } from 'react';
import { ApiError } from '../api/api-error.js';
import type { ConversationView } from '@contract/conversations';
import { useSignedIn } from '../session/session-context.js';
import styles from './rating-prompt.module.css';

const SCORES = [1, 2, 3, 4, 5] as const;
const LABELS = ['Very bad', 'Bad', 'OK', 'Good', 'Great'];

// Asked once the conversation is closed and this closing has no rating yet.
export function RatingPrompt({ conversation, onRated }: { conversation: ConversationView; onRated(): void }) {
  const { api } = useSignedIn();
  const [score, setScore] = useState<number>();
  const [comment, setComment] = useState('');
  const [state, setState] = useState<'idle' | 'sending'>('idle');
  const [failure, setFailure] = useState<string>();
  const commentId = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (score === undefined) {
      setFailure('Pick a score from 1 to 5.');
      return;
    }
    setState('sending');
    setFailure(undefined);
    api.rate(conversation.id, score, comment.trim()).then(
      // The page says thank you (the conversation's new copy, carrying the rating, may arrive first).
      () => onRated(),
      (error: unknown) => {
        // 409: already rated (in another tab): nothing more to ask.
        if (error instanceof ApiError && error.status === 409) {
          onRated();
          return;
        }
        setState('idle');
        setFailure(error instanceof ApiError ? error.message : 'Your rating could not be sent.');
      },
    );
  };

  return (
    <form className={styles.prompt} onSubmit={submit} data-testid="rating-prompt">
      <fieldset className={styles.fieldset}>
        <legend>How did we do?</legend>
        <div className={styles.scores}>
          {SCORES.map((value) => (
            <label key={value} className={styles.score} data-selected={score === value || undefined}>
              <input type="radio" name="score" value={value} checked={score === value} onChange={() => setScore(value)} />
              <span aria-hidden="true">{'★'.repeat(value)}</span>
              <span className="visually-hidden">
                {value} – {LABELS[value - 1]}
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <label htmlFor={commentId} className={styles.commentLabel}>
        Comment (optional)
      </label>
      <textarea id={commentId} rows={2} maxLength={2000} value={comment} onChange={(event) => setComment(event.target.value)} />
      <button type="submit" disabled={state === 'sending'}>
        Send rating
      </button>
      {failure && (
        <p className={styles.failure} role="alert">
          {failure}
        </p>
      )}
    </form>
  );
}

export function RatingThanks() {
  return (
    <p className={styles.thanks} role="status" data-testid="rating-thanks">
      Thank you for your feedback!
    </p>
  );
}
