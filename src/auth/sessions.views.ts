// Where a session was started or last used from, as the edge saw it (client IP per TRUST_PROXY).
export interface SessionMeta {
  ip: string | null;
  userAgent: string | null;
}

export type { SessionView } from '../contract/auth.js';

export type { AuthSessionView } from '../contract/sessions.js';
