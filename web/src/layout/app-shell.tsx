import { type MouseEvent, type ReactNode, useEffect, useState } from 'react';
import { EmailToggle } from '../email/email-toggle.js';
import { resumePush, stopPush } from '../push/push-registration.js';
import { ConnectionBanner } from '../realtime/connection-banner.js';
import { ROUTES } from '../routing/routes.js';
import { navigate } from '../routing/use-route.js';
import { useSignedIn } from '../session/session-context.js';
import styles from './app-shell.module.css';

export function AppShell({ children }: { children: ReactNode }) {
  const { api, session, signOut } = useSignedIn();
  const [isSigningOut, setIsSigningOut] = useState(false);
  const token = session.accessToken;
  useEffect(() => {
    void resumePush(api);
  }, [api, token]);

  // This browser's push subscription is removed while the token still works.
  const onSignOut = () => {
    setIsSigningOut(true);
    void stopPush(api).then(signOut);
  };

  // Plain links that work without script; with it, the page switches in place.
  const follow = (event: MouseEvent<HTMLAnchorElement>, path: string) => {
    event.preventDefault();
    navigate(path);
  };

  return (
    <div className={styles.shell}>
      <header className={styles.header}>
        <span className={styles.brand}>Support chat</span>
        <span className={styles.account}>
          <nav aria-label="Account" className={styles.account}>
            {session.user.role === 'ADMIN' && (
              <>
                <a href={ROUTES.inbox} onClick={(event) => follow(event, ROUTES.inbox)}>
                  Inbox
                </a>
                <a href={ROUTES.team} onClick={(event) => follow(event, ROUTES.team)}>
                  Team
                </a>
              </>
            )}
            <a href={ROUTES.account} onClick={(event) => follow(event, ROUTES.account)} title={session.user.email}>
              {session.user.name}
            </a>
          </nav>
          <EmailToggle api={api} />
          <button type="button" className="secondary-button" onClick={onSignOut} disabled={isSigningOut}>
            {isSigningOut ? 'Signing out…' : 'Sign out'}
          </button>
        </span>
      </header>
      <ConnectionBanner />
      <main className={styles.main}>{children}</main>
    </div>
  );
}
