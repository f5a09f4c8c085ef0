import type { AuthSessionView } from '@contract/sessions';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { ApiError } from '../api/api-error.js';
import { useDocumentTitle } from '../document-title.js';
import { useSignedIn } from '../session/session-context.js';
import styles from '../team/team-page.module.css';

const MIN_PASSWORD_LENGTH = 10;

// Change password, and sign out on every device.
export function AccountPage() {
  const { api, signIn, signOutEverywhere } = useSignedIn();
  useDocumentTitle('Account');
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [failure, setFailure] = useState<string>();
  const [status, setStatus] = useState<string>();
  const [isBusy, setIsBusy] = useState(false);
  const [sessions, setSessions] = useState<AuthSessionView[]>([]);

  const loadSessions = useCallback(() => {
    api.sessions().then(setSessions, () => setSessions([]));
  }, [api]);
  useEffect(loadSessions, [loadSessions]);

  const onEndSession = (id: number) => {
    setFailure(undefined);
    api
      .endSession(id)
      .then(loadSessions)
      .catch((error: unknown) => setFailure(error instanceof ApiError ? error.message : 'Something went wrong. Try again.'));
  };

  const onChangePassword = (event: FormEvent) => {
    event.preventDefault();
    setIsBusy(true);
    setFailure(undefined);
    setStatus(undefined);
    api
      .changePassword(currentPassword, newPassword)
      .then((session) => {
        // The old access token carries the old token version: continue with the new one.
        signIn(session);
        setCurrentPassword('');
        setNewPassword('');
        setStatus('Password changed. Your other devices are signed out.');
      })
      .catch((error: unknown) => setFailure(error instanceof ApiError ? error.message : 'Something went wrong. Try again.'))
      .finally(() => setIsBusy(false));
  };

  const onSignOutEverywhere = () => {
    setIsBusy(true);
    signOutEverywhere().catch((error: unknown) => {
      setFailure(error instanceof ApiError ? error.message : 'Something went wrong. Try again.');
      setIsBusy(false);
    });
  };

  return (
    <section className={styles.page} aria-labelledby="account-title">
      <h1 id="account-title">Account</h1>
      {failure && (
        <p className={styles.failure} role="alert">
          {failure}
        </p>
      )}
      {status && (
        <p className={styles.status} role="status">
          {status}
        </p>
      )}
      <h2>Change password</h2>
      <form className={styles.form} onSubmit={onChangePassword} aria-label="Change password">
        <label className={styles.field}>
          Current password
          <input
            type="password"
            value={currentPassword}
            onChange={(event) => setCurrentPassword(event.target.value)}
            required
            autoComplete="current-password"
          />
        </label>
        <label className={styles.field}>
          New password
          <input
            type="password"
            value={newPassword}
            onChange={(event) => setNewPassword(event.target.value)}
            required
            minLength={MIN_PASSWORD_LENGTH}
            autoComplete="new-password"
          />
        </label>
        <button type="submit" disabled={isBusy}>
          Change password
        </button>
      </form>
      <h2>Sessions</h2>
      <table className={styles.table}>
        <caption className="visually-hidden">Where you are signed in</caption>
        <thead>
          <tr>
            <th scope="col">Device</th>
            <th scope="col">IP address</th>
            <th scope="col">Signed in</th>
            <th scope="col">Last used</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((item) => (
            <tr key={item.id}>
              <td>{item.device}</td>
              <td>{item.ip ?? 'unknown'}</td>
              <td>{new Date(item.createdAt).toLocaleString()}</td>
              <td>{new Date(item.lastUsedAt).toLocaleString()}</td>
              <td>
                {item.current ? (
                  'This device'
                ) : (
                  <button
                    type="button"
                    className="secondary-button"
                    onClick={() => onEndSession(item.id)}
                    aria-label={`End the session on ${item.device}, last used ${new Date(item.lastUsedAt).toLocaleString()}`}
                  >
                    End session
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>Signed in somewhere you do not recognise, or on a shared computer?</p>
      <div>
        <button type="button" className="secondary-button" onClick={onSignOutEverywhere} disabled={isBusy}>
          Sign out everywhere
        </button>
      </div>
    </section>
  );
}
