import type { SessionView } from '@contract/auth';

// sessionStorage: the sign-in survives a reload of this tab, and ends with the tab.
const KEY = 'support-chat.session';

export function isExpired(session: SessionView, now = Date.now()): boolean {
  return Date.parse(session.expiresAt) <= now;
}

export function loadStoredSession(): SessionView | undefined {
  try {
    const raw = sessionStorage.getItem(KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : undefined;
    return isSessionView(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function storeSession(session: SessionView): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function forgetSession(): void {
  sessionStorage.removeItem(KEY);
}

function isSessionView(value: unknown): value is SessionView {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const session = value as Partial<SessionView>;
  return typeof session.accessToken === 'string' && typeof session.expiresAt === 'string' && typeof session.user?.id === 'number';
}
