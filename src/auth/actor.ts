import type { Role } from '../database/schema.js';

// Who is acting: the token's subject, never a field the client sends.
export interface Actor {
  id: number;
  role: Role;
  email: string;
  name: string;
  // Seconds since the epoch at which the token stops being valid.
  expiresAt: number;
  // The session (refresh-token family) of an own token; host-app tokens have none.
  sessionId?: number;
}

export const isAdmin = (actor: Pick<Actor, 'role'>): boolean => actor.role === 'ADMIN';
