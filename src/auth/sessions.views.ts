import type { UserView } from '../users/users.schemas.js';

// Where a session was started or last used from, as the edge saw it (client IP per TRUST_PROXY).
export interface SessionMeta {
  ip: string | null;
  userAgent: string | null;
}

// Answer of login, register and refresh. The web app ignores refreshToken in the body and relies on the
// HttpOnly cookie set with it; other clients (mobile apps, scripts) keep it themselves.
export interface SessionView {
  accessToken: string;
  tokenType: 'Bearer';
  expiresAt: string;
  refreshToken: string;
  refreshExpiresAt: string;
  sessionId: number;
  user: UserView;
}

// GET /auth/sessions
export interface AuthSessionView {
  id: number;
  device: string;
  userAgent: string | null;
  ip: string | null;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  current: boolean;
}
