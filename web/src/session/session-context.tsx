import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { type ApiClient, createApiClient, refreshSession } from '../api/api-client.js';
import type { SessionView } from '@contract/auth';
import { SESSION_EXPIRED_NOTICE, SESSION_REVOKED_NOTICE } from './session-notices.js';
import {
  forgetRefreshHint,
  forgetSession,
  hasRefreshHint,
  isExpired,
  loadStoredSession,
  rememberRefreshHint,
  storeSession,
} from './session-storage.js';

// What the app keeps of a session: the access token and who it is for (the refresh token stays in its cookie).
export type ClientSession = Pick<SessionView, 'accessToken' | 'expiresAt' | 'user'>;

interface SessionState {
  session?: ClientSession;
  // Why the person is back on the sign-in page (shown there).
  notice?: string;
  // A new tab is asking the refresh cookie for a session.
  isRestoring?: boolean;
}

export interface SessionContextValue extends SessionState {
  api: ApiClient;
  signIn(session: ClientSession): void;
  signOut(): Promise<void>;
  signOutEverywhere(): Promise<void>;
  end(notice: string): void;
  // A new access token (undefined when the session is over); one request at a time however many ask.
  // reason: the server's code for the refused token, for the notice shown if the session turns out to be over.
  refresh(reason?: string): Promise<string | undefined>;
  currentToken(): string | undefined;
}

// Exported for the website widget, whose session comes from its host page instead of a sign-in form.
export const SessionContext = createContext<SessionContextValue | undefined>(undefined);

// setTimeout fires at once beyond this delay.
const MAX_TIMER_MS = 2_147_483_647;
// Refresh this long before the access token expires (a fifth of what is left for very short tokens).
const REFRESH_AHEAD_MS = 60_000;
const OFFLINE_RETRY_MS = 5_000;
// Signing out waits at most this long for requests already sent.
const SIGN_OUT_WAIT_MS = 3_000;

function restore(): SessionState {
  const stored = loadStoredSession();
  if (stored && !isExpired(stored)) {
    return { session: stored };
  }
  // An expired token, or a new tab: the refresh cookie may still hold a session.
  if (hasRefreshHint()) {
    return { isRestoring: true, notice: stored ? SESSION_EXPIRED_NOTICE : undefined };
  }
  if (stored) {
    forgetSession();
    return { notice: SESSION_EXPIRED_NOTICE };
  }
  return {};
}

// The access token lives here (memory) and in sessionStorage; the refresh token only in its HttpOnly cookie.
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>(restore);
  const tokenRef = useRef(state.session?.accessToken);
  const refreshing = useRef<Promise<string | undefined> | undefined>(undefined);
  // From the start of a sign-out: the server may end the session (and tell this tab's socket) before the
  // signed-in views are gone.
  const isSigningOut = useRef(false);

  // This tab forgets the session: its stored copy, the refresh hint and the token in memory.
  const forgetLocally = useCallback(() => {
    forgetSession();
    forgetRefreshHint();
    tokenRef.current = undefined;
  }, []);

  const end = useCallback(
    (notice: string) => {
      forgetLocally();
      setState((current) => (current.session || current.isRestoring ? { notice } : current));
    },
    [forgetLocally],
  );

  const adopt = useCallback((session: ClientSession) => {
    isSigningOut.current = false;
    const kept: ClientSession = { accessToken: session.accessToken, expiresAt: session.expiresAt, user: session.user };
    storeSession(kept);
    rememberRefreshHint();
    tokenRef.current = kept.accessToken;
    setState({ session: kept });
  }, []);

  const refresh = useCallback(
    (reason?: string): Promise<string | undefined> => {
      // Signing out, only a request that met an expired token renews it (to get its answer); a revocation or a
      // scheduled refresh does not, and nothing does once this tab has forgotten the session.
      if (tokenRef.current === undefined || (isSigningOut.current && reason !== 'TOKEN_EXPIRED')) {
        return Promise.resolve(undefined);
      }
      refreshing.current ??= refreshSession()
        .then((result) => {
          if (result === 'offline') {
            return undefined;
          }
          if (result === 'ended') {
            end(reason === 'TOKEN_REVOKED' ? SESSION_REVOKED_NOTICE : SESSION_EXPIRED_NOTICE);
            return undefined;
          }
          adopt(result);
          return result.accessToken;
        })
        .finally(() => {
          refreshing.current = undefined;
        });
      return refreshing.current;
    },
    [adopt, end],
  );

  const api = useMemo(
    () =>
      createApiClient({
        token: () => tokenRef.current,
        refresh,
        onSessionEnded: (error) => end(error.code === 'TOKEN_EXPIRED' ? SESSION_EXPIRED_NOTICE : SESSION_REVOKED_NOTICE),
      }),
    [end, refresh],
  );

  const signOut = useCallback(async () => {
    isSigningOut.current = true;
    // Taken now: a request that ends the session in this tab while we wait does not end it on the server. An
    // access token that expires meanwhile still works for the logout, which then ends the session by its cookie.
    const token = tokenRef.current;
    // Requests already sent get their answers first: ended before them, the session would answer them 401.
    await api.settled(SIGN_OUT_WAIT_MS);
    forgetLocally();
    setState({});
    // Ends this session on the server too (the refresh token stops working); the page does not wait for it.
    if (token) {
      void api.logout(token).catch(() => undefined);
    }
  }, [api, forgetLocally]);

  const signOutEverywhere = useCallback(async () => {
    isSigningOut.current = true;
    try {
      await api.settled(SIGN_OUT_WAIT_MS);
      await api.logoutAll();
    } catch (error) {
      // Still signed in (the server could not be reached): tokens are renewed again.
      isSigningOut.current = false;
      throw error;
    }
    forgetLocally();
    setState({});
  }, [api, forgetLocally]);

  const isRestoring = state.isRestoring === true;
  useEffect(() => {
    if (!isRestoring) {
      return;
    }
    void refreshSession().then((result) => {
      if (typeof result === 'object') {
        adopt(result);
      } else {
        end(SESSION_EXPIRED_NOTICE);
      }
    });
  }, [isRestoring, adopt, end]);

  // Silent refresh shortly before the access token expires, so requests and the socket rarely meet an expired one.
  const expiresAt = state.session?.expiresAt;
  useEffect(() => {
    if (!expiresAt) {
      return;
    }
    let timer: number | undefined;
    const schedule = (delay: number) => {
      timer = window.setTimeout(
        () => {
          void refresh().then((token) => {
            if (!token && tokenRef.current) {
              schedule(OFFLINE_RETRY_MS);
            }
          });
        },
        Math.min(Math.max(delay, 0), MAX_TIMER_MS),
      );
    };
    const left = Date.parse(expiresAt) - Date.now();
    schedule(left - Math.min(REFRESH_AHEAD_MS, left / 5));
    return () => window.clearTimeout(timer);
  }, [expiresAt, refresh]);

  const currentToken = useCallback(() => tokenRef.current, []);
  const value = useMemo(
    () => ({ ...state, api, signIn: adopt, signOut, signOutEverywhere, end, refresh, currentToken }),
    [state, api, adopt, signOut, signOutEverywhere, end, refresh, currentToken],
  );
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
export function useSignedIn(): SessionContextValue & { session: ClientSession } {
  const value = useSession();
  if (!value.session) {
    throw new Error('useSignedIn without a session');
  }
  return value as SessionContextValue & { session: ClientSession };
}
