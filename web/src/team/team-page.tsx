import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { ApiError } from '../api/api-error.js';
import type { UserView } from '@contract/users';
import { useDocumentTitle } from '../document-title.js';
import { useSignedIn } from '../session/session-context.js';
import styles from './team-page.module.css';

const MIN_PASSWORD_LENGTH = 10;

function messageOf(error: unknown): string {
  return error instanceof ApiError ? error.message : 'Something went wrong. Try again.';
}

// Admins manage the support team: who is an agent, invite one, change a role, deactivate.
export function TeamPage() {
  const { api, session } = useSignedIn();
  useDocumentTitle('Team');
  const [agents, setAgents] = useState<UserView[]>();
  const [failure, setFailure] = useState<string>();
  const [status, setStatus] = useState<string>();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<'ADMIN' | 'USER'>('ADMIN');
  const [isBusy, setIsBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      setAgents((await api.team()).items);
    } catch (error) {
      setFailure(messageOf(error));
    }
  }, [api]);

  useEffect(() => {
    void load();
  }, [load]);

  const run = async (work: () => Promise<string>) => {
    setIsBusy(true);
    setFailure(undefined);
    try {
      setStatus(await work());
      await load();
    } catch (error) {
      setFailure(messageOf(error));
    } finally {
      setIsBusy(false);
    }
  };

  const onCreate = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const created = await api.createUser({ email, name, password, role });
      setEmail('');
      setName('');
      setPassword('');
      return `${created.name} can now sign in as ${created.email}.`;
    });
  };

  const setAgentRole = (agent: UserView, next: 'ADMIN' | 'USER') =>
    void run(async () => {
      await api.updateUser(agent.id, { role: next });
      return next === 'ADMIN' ? `${agent.name} is an admin now.` : `${agent.name} is no longer an admin.`;
    });

  const setActive = (agent: UserView, isActive: boolean) =>
    void run(async () => {
      await api.updateUser(agent.id, { isActive });
      return isActive ? `${agent.name} can sign in again.` : `${agent.name} is deactivated and signed out everywhere.`;
    });

  return (
    <section className={styles.page} aria-labelledby="team-title">
      <h1 id="team-title">Team</h1>
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
      <table className={styles.table}>
        <caption className="visually-hidden">Agents</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Status</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {(agents ?? []).map((agent) => (
            <tr key={agent.id} className={agent.isActive ? undefined : styles.inactive}>
              <td>{agent.name}</td>
              <td>{agent.email}</td>
              <td>{agent.isActive ? 'Active' : 'Deactivated'}</td>
              <td>
                {agent.id === session.user.id ? (
                  'You'
                ) : (
                  <>
                    <button
                      type="button"
                      className="secondary-button"
                      disabled={isBusy}
                      onClick={() => setAgentRole(agent, 'USER')}
                      aria-label={`Remove admin role from ${agent.name}`}
                    >
                      Remove admin
                    </button>{' '}
                    <button
                      type="button"
                      className="secondary-button"
                      disabled={isBusy}
                      onClick={() => setActive(agent, !agent.isActive)}
                      aria-label={`${agent.isActive ? 'Deactivate' : 'Reactivate'} ${agent.name}`}
                    >
                      {agent.isActive ? 'Deactivate' : 'Reactivate'}
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>Add someone</h2>
      <form className={styles.form} onSubmit={onCreate} aria-label="Add someone">
        <label className={styles.field}>
          Name
          <input value={name} onChange={(event) => setName(event.target.value)} required maxLength={100} />
        </label>
        <label className={styles.field}>
          Email
          <input type="email" value={email} onChange={(event) => setEmail(event.target.value)} required autoComplete="off" />
        </label>
        <label className={styles.field}>
          Initial password
          <input
            type="password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            required
            minLength={MIN_PASSWORD_LENGTH}
            autoComplete="new-password"
          />
        </label>
        <label className={styles.field}>
          Role
          <select value={role} onChange={(event) => setRole(event.target.value === 'USER' ? 'USER' : 'ADMIN')}>
            <option value="ADMIN">Agent (admin)</option>
            <option value="USER">User</option>
          </select>
        </label>
        <button type="submit" disabled={isBusy}>
          Add
        </button>
      </form>
    </section>
  );
}
