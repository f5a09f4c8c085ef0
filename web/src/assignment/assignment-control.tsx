import { useState } from 'react';
import { ApiError } from '../api/api-error.js';
import type { ConversationView } from '@contract/conversations';
import { useSignedIn } from '../session/session-context.js';
import styles from './assignment-control.module.css';

// "Assigned to Ana" with Assign to me / Unassign. Both are compare-and-set on what this tab shows, so two
// agents clicking at once never both think they have it.
export function AssignmentControl({
  conversation,
  onChanged,
}: {
  conversation: ConversationView;
  onChanged(view: ConversationView): void;
}) {
  const { api, session } = useSignedIn();
  const [failure, setFailure] = useState<string>();
  const [isBusy, setIsBusy] = useState(false);
  const assignee = conversation.assignee;
  const isMine = assignee?.id === session.user.id;

  const change = (assigneeId: number | null) => {
    setIsBusy(true);
    setFailure(undefined);
    api.assign(conversation.id, assigneeId, assignee?.id ?? null).then(
      (view) => {
        onChanged(view);
        setIsBusy(false);
      },
      (error: unknown) => {
        setFailure(error instanceof ApiError ? error.message : 'The assignment could not be changed.');
        setIsBusy(false);
      },
    );
  };

  return (
    <span className={styles.inline}>
      <span className={styles.assignee} data-testid="assignee">
        {assignee ? `Assigned to ${isMine ? 'you' : assignee.name}` : 'Unassigned'}
      </span>
      {!isMine && (
        <button type="button" className="secondary-button" onClick={() => change(session.user.id)} disabled={isBusy}>
          Assign to me
        </button>
      )}
      {assignee && (
        <button type="button" className="secondary-button" onClick={() => change(null)} disabled={isBusy}>
          Unassign
        </button>
      )}
      {failure && (
        <span className={styles.failure} role="alert">
          {failure}
        </span>
      )}
    </span>
  );
}
