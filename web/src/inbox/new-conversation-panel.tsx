import { useEffect, useId, useState } from 'react';
import type { UserView } from '@contract/users';
import { conversationRoute } from '../routing/routes.js';
import { navigate } from '../routing/use-route.js';
import { useSignedIn } from '../session/session-context.js';
import { BackToList } from './conversation-pane.js';
import styles from './new-conversation-panel.module.css';
import { DraftPane } from './draft-pane.js';

const SEARCH_DELAY_MS = 250;

// Pick a user by email; their ACTIVE conversation opens if there is one, otherwise the first message starts one.
export function NewConversationPanel() {
  const { api } = useSignedIn();
  const [query, setQuery] = useState('');
  const [users, setUsers] = useState<UserView[]>();
  const [picked, setPicked] = useState<UserView>();
  const [failure, setFailure] = useState<string>();
  const inputId = useId();

  useEffect(() => {
    let isCurrent = true;
    const timer = window.setTimeout(() => {
      api.findUsers(query.trim()).then(
        (found) => isCurrent && setUsers(found),
        () => isCurrent && setFailure('Users could not be searched.'),
      );
    }, SEARCH_DELAY_MS);
    return () => {
      isCurrent = false;
      window.clearTimeout(timer);
    };
  }, [api, query]);

  const pick = (user: UserView) => {
    setFailure(undefined);
    api.conversations({ status: 'ACTIVE', q: user.email }).then(
      (page) => {
        const active = page.items.find((item) => item.userId === user.id);
        if (active) {
          navigate(conversationRoute(active.id));
        } else {
          setPicked(user);
        }
      },
      () => setFailure('Could not check for an open conversation. Try again.'),
    );
  };

  if (picked) {
    return <DraftPane user={picked} onStarted={(id) => navigate(conversationRoute(id), { replace: true })} />;
  }
  return (
    <div className={styles.panel}>
      <div className={styles.header}>
        <BackToList />
        <h2 className={styles.title}>New conversation</h2>
      </div>
      <div className={styles.body}>
        <label htmlFor={inputId} className={styles.label}>
          Find a user by email or name
        </label>
        <input
          id={inputId}
          type="search"
          className={styles.search}
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          autoComplete="off"
        />
        {failure && (
          <p className={styles.failure} role="alert">
            {failure}
          </p>
        )}
        {users && users.length === 0 && <p className={styles.notice}>No users match.</p>}
        {users && users.length > 0 && (
          <ul className={styles.users} aria-label="Users">
            {users.map((user) => (
              <li key={user.id}>
                <button type="button" className={styles.user} onClick={() => pick(user)}>
                  <span className={styles.userEmail}>{user.email}</span>
                  <span className={styles.userName}>{user.name}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
