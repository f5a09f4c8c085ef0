import { type FormEvent, type MouseEvent, useState } from 'react';
import { ApiError } from '../api/api-error.js';
import { useServerOptions } from '../api/server-options.js';
import { useDocumentTitle } from '../document-title.js';
import { ROUTES } from '../routing/routes.js';
import { useRoute } from '../routing/use-route.js';
import { useSession } from '../session/session-context.js';
import { authFailureMessage } from './auth-messages.js';
import styles from './auth-page.module.css';

const MIN_PASSWORD_LENGTH = 10;

export function AuthPage({ mode }: { mode: 'sign-in' | 'sign-up' }) {
  const { api, signIn, notice } = useSession();
  const { navigate } = useRoute();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const [failure, setFailure] = useState<string>();
  const [isBusy, setIsBusy] = useState(false);
  // From GET /auth/options, or learnt from a refused sign-up (a server older than that endpoint).
  const [isRefused, setIsRefused] = useState(false);
  const options = useServerOptions(api);
  const isRegistrationClosed = isRefused || (options.isKnown && !options.registration);
  const isSignUp = mode === 'sign-up';
  useDocumentTitle(isSignUp ? 'Create an account' : 'Sign in');

  const authenticate = async () => {
    setIsBusy(true);
    setFailure(undefined);
    try {
      signIn(isSignUp ? await api.register({ email, password, name }) : await api.login(email, password));
    } catch (error) {
      if (error instanceof ApiError && error.code === 'REGISTRATION_CLOSED') {
        setIsRefused(true);
      }
      setFailure(authFailureMessage(error));
      setIsBusy(false);
    }
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void authenticate();
  };

  // Links that work without script too; with it, the page switches in place.
  const switchTo = (event: MouseEvent<HTMLAnchorElement>, path: string) => {
    event.preventDefault();
    setFailure(undefined);
    navigate(path);
  };

  return (
    <main className={styles.page}>
      <form className={styles.card} onSubmit={onSubmit} aria-labelledby="auth-title">
        <h1 id="auth-title">{isSignUp ? 'Create an account' : 'Sign in to Support chat'}</h1>
        {notice && !isSignUp && (
          <p className={styles.notice} role="status">
            {notice}
          </p>
        )}
        {isSignUp && isRegistrationClosed && (
          <p className={styles.notice} role="status">
            This server does not accept new accounts. Ask an administrator for one.
          </p>
        )}
        {isSignUp && (
          <label className={styles.field}>
            Name
            <input value={name} onChange={(event) => setName(event.target.value)} autoComplete="name" required maxLength={100} />
          </label>
        )}
        <label className={styles.field}>
          Email
          <input type="email" value={email} onChange={(event) => setEmail(event.target.value)} autoComplete="email" required />
        </label>
        <label className={styles.field}>
          Password
          <input
            type="password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            autoComplete={isSignUp ? 'new-password' : 'current-password'}
            minLength={isSignUp ? MIN_PASSWORD_LENGTH : undefined}
            required
          />
          {isSignUp && <span className={styles.help}>At least {MIN_PASSWORD_LENGTH} characters.</span>}
        </label>
        {failure && (
          <p className={styles.failure} role="alert">
            {failure}
          </p>
        )}
        <button type="submit" disabled={isBusy}>
          {isBusy ? 'Please wait…' : isSignUp ? 'Create account' : 'Sign in'}
        </button>
        {isSignUp ? (
          <p className={styles.switch}>
            Already have an account?{' '}
            <a href={ROUTES.signIn} onClick={(event) => switchTo(event, ROUTES.signIn)}>
              Sign in
            </a>
          </p>
        ) : (
          !isRegistrationClosed && (
            <p className={styles.switch}>
              New here?{' '}
              <a href={ROUTES.signUp} onClick={(event) => switchTo(event, ROUTES.signUp)}>
                Create an account
              </a>
            </p>
          )
        )}
      </form>
    </main>
  );
}
