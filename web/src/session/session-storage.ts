import type { SessionView } from '@contract/auth';

type StoredSession = Pick<SessionView, 'accessToken' | 'expiresAt' | 'user'>;

// sessionStorage: the sign-in survives a reload of this tab, and ends with the tab.
const KEY = 'support-chat.session';

export function isExpired(session: StoredSession, now = Date.now()): boolean {
  return Date.parse(session.expiresAt) <= now;
}

export function loadStoredSession(): StoredSession | undefined {
  try {
    const raw = sessionStorage.getItem(KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : undefined;
    return isSessionView(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function storeSession(session: StoredSession): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function forgetSession(): void {
  sessionStorage.removeItem(KEY);
}

function isSessionView(value: unknown): value is StoredSession {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const session = value as Partial<StoredSession>;
  return typeof session.accessToken === 'string' && typeof session.expiresAt === 'string' && typeof session.user?.id === 'number';
}

// The refresh cookie is HttpOnly (scripts cannot see it): this flag says one was set, so a new tab asks the
// server for a session only when there may be one (and no 401 is logged on every first visit).
const REFRESH_HINT_KEY = 'support-chat.signed-in';

export function rememberRefreshHint(): void {
  try {
    localStorage.setItem(REFRESH_HINT_KEY, '1');
  } catch {
    // Storage may be off (private mode): a new tab then shows the sign-in page.
  }
}

export function forgetRefreshHint(): void {
  try {
    localStorage.removeItem(REFRESH_HINT_KEY);
  } catch {
    // As above.
  }
}

export function hasRefreshHint(): boolean {
  try {
    return localStorage.getItem(REFRESH_HINT_KEY) === '1';
  } catch {
    return false;
  }
}
