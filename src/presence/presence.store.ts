import type { Role } from '../contract/common.js';
import type { OnlineUser } from '../contract/realtime.js';

// Who is online across every instance. Each instance reports its own sockets; entries of an instance
// that stops reporting expire, so a crashed instance does not leave its users online for ever.
export interface PresenceStore {
  // True when this is the user's first connection anywhere.
  connected(user: OnlineUser): Promise<boolean>;
  // True when the user has no connection left anywhere.
  disconnected(user: OnlineUser): Promise<boolean>;
  online(): Promise<OnlineUser[]>;
  // Users of instances that stopped reporting, now offline everywhere; called periodically.
  expire(): Promise<OnlineUser[]>;
  close(): Promise<void>;
}

// This process's own sockets, counted per user.
export class LocalConnections {
  private readonly counts = new Map<number, { count: number; role: Role }>();

  // Returns the count after the change.
  add(user: OnlineUser): number {
    const entry = this.counts.get(user.userId) ?? { count: 0, role: user.role };
    entry.count += 1;
    this.counts.set(user.userId, entry);
    return entry.count;
  }

  remove(user: OnlineUser): number {
    const entry = this.counts.get(user.userId);
    if (!entry) {
      return 0;
    }
    entry.count -= 1;
    if (entry.count <= 0) {
      this.counts.delete(user.userId);
      return 0;
    }
    return entry.count;
  }

  users(): OnlineUser[] {
    return [...this.counts].map(([userId, entry]) => ({ userId, role: entry.role }));
  }
}

export class InProcessPresenceStore implements PresenceStore {
  private readonly local = new LocalConnections();

  async connected(user: OnlineUser): Promise<boolean> {
    return this.local.add(user) === 1;
  }

  async disconnected(user: OnlineUser): Promise<boolean> {
    return this.local.remove(user) === 0;
  }

  async online(): Promise<OnlineUser[]> {
    return this.local.users();
  }

  async expire(): Promise<OnlineUser[]> {
    return [];
  }

  async close(): Promise<void> {}
}
