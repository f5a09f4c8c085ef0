import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { type ApiClient, createApiClient } from '../api/api-client.js';
import type { SessionView } from '@contract/auth';
import { SESSION_EXPIRED_NOTICE, SESSION_REVOKED_NOTICE } from './session-notices.js';
import { forgetSession, isExpired, loadStoredSession, storeSession } from './session-storage.js';

interface SessionState {
  session?: SessionView;
  // Why the person is back on the sign-in page (shown there).
  notice?: string;
}

export interface SessionContextValue extends SessionState {
  api: ApiClient;
  signIn(session: SessionView): void;
  signOut(): void;
  end(notice: string): void;
}

const SessionContext = createContext<SessionContextValue | undefined>(undefined);

// setTimeout fires at once beyond this delay.
const MAX_TIMER_MS = 2_147_483_647;

function restore(): SessionState {
  const stored = loadStoredSession();
  if (stored && isExpired(stored)) {
    forgetSession();
    return { notice: SESSION_EXPIRED_NOTICE };
  }
  return { session: stored };
}

// The token lives here (memory) and in sessionStorage; nothing else keeps it.
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>(restore);
  const tokenRef = useRef(state.session?.accessToken);

  const end = useCallback((notice: string) => {
    forgetSession();
    tokenRef.current = undefined;
    setState((current) => (current.session ? { notice } : current));
  }, []);

  const api = useMemo(
    () =>
      createApiClient({
        token: () => tokenRef.current,
        onSessionEnded: (error) => end(error.code === 'TOKEN_EXPIRED' ? SESSION_EXPIRED_NOTICE : SESSION_REVOKED_NOTICE),
      }),
    [end],
  );

  const signIn = useCallback((session: SessionView) => {
    storeSession(session);
    tokenRef.current = session.accessToken;
    setState({ session });
  }, []);

  const signOut = useCallback(() => {
    forgetSession();
    tokenRef.current = undefined;
    setState({});
  }, []);

  const expiresAt = state.session?.expiresAt;
  useEffect(() => {
    if (!expiresAt) {
      return;
    }
    const delay = Math.min(Math.max(Date.parse(expiresAt) - Date.now(), 0), MAX_TIMER_MS);
    const timer = window.setTimeout(() => end(SESSION_EXPIRED_NOTICE), delay);
    return () => window.clearTimeout(timer);
  }, [expiresAt, end]);

  const value = useMemo(() => ({ ...state, api, signIn, signOut, end }), [state, api, signIn, signOut, end]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) {
    throw new Error('useSession outside SessionProvider');
  }
  return value;
}

// For views that only render while signed in.
export function useSignedIn(): SessionContextValue & { session: SessionView } {
  const value = useSession();
  if (!value.session) {
    throw new Error('useSignedIn without a session');
  }
  return value as SessionContextValue & { session: SessionView };
}
