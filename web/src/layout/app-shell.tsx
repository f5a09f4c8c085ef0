import type { ReactNode } from 'react';
import { ConnectionBanner } from '../realtime/connection-banner.js';
import { useSignedIn } from '../session/session-context.js';
import styles from './app-shell.module.css';

export function AppShell({ children }: { children: ReactNode }) {
  const { session, signOut } = useSignedIn();
  return (
    <div className={styles.shell}>
      <header className={styles.header}>
        <span className={styles.brand}>Support chat</span>
        <span className={styles.account}>
          <span className={styles.name} title={session.user.email}>
            {session.user.name}
          </span>
          <button type="button" className="secondary-button" onClick={signOut}>
            Sign out
          </button>
        </span>
      </header>
      <ConnectionBanner />
      <main className={styles.main}>{children}</main>
    </div>
  );
}
