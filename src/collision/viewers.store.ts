import type { Redis } from 'ioredis';

export interface Viewer {
  socketId: string;
  userId: number;
  name: string;
  expiresAt: number;
}

// Who has which conversation open, across instances. An entry lives until its socket leaves or, when its
// instance dies without saying so, until it stops being refreshed (expiresAt).
export interface ViewersStore {
  put(conversationId: number, viewer: Viewer): Promise<void>;
  remove(conversationId: number, socketId: string): Promise<void>;
  list(conversationId: number): Promise<Viewer[]>;
  // Removes and returns entries past their expiry, with their conversation.
  takeExpired(now: number): Promise<{ conversationId: number; viewer: Viewer }[]>;
}

export class InProcessViewersStore implements ViewersStore {
  private readonly byConversation = new Map<number, Map<string, Viewer>>();

  async put(conversationId: number, viewer: Viewer): Promise<void> {
    const viewers = this.byConversation.get(conversationId) ?? new Map<string, Viewer>();
    viewers.set(viewer.socketId, viewer);
    this.byConversation.set(conversationId, viewers);
  }

  async remove(conversationId: number, socketId: string): Promise<void> {
    const viewers = this.byConversation.get(conversationId);
    viewers?.delete(socketId);
    if (viewers?.size === 0) {
      this.byConversation.delete(conversationId);
    }
  }

  async list(conversationId: number): Promise<Viewer[]> {
    return [...(this.byConversation.get(conversationId)?.values() ?? [])];
  }

  async takeExpired(now: number): Promise<{ conversationId: number; viewer: Viewer }[]> {
    const expired: { conversationId: number; viewer: Viewer }[] = [];
    for (const [conversationId, viewers] of this.byConversation) {
      for (const viewer of viewers.values()) {
        if (viewer.expiresAt <= now) {
          expired.push({ conversationId, viewer });
        }
      }
    }
    for (const { conversationId, viewer } of expired) {
      await this.remove(conversationId, viewer.socketId);
    }
    return expired;
  }
}

// A hash per conversation (socket id → viewer JSON) and a set of conversations that have viewers.
export class RedisViewersStore implements ViewersStore {
  private readonly index: string;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    this.index = `${prefix}:viewing:conversations`;
  }

  private key(conversationId: number): string {
    return `${this.prefix}:viewing:${conversationId}`;
  }

  async put(conversationId: number, viewer: Viewer): Promise<void> {
    await this.redis
      .multi()
      .hset(this.key(conversationId), viewer.socketId, JSON.stringify(viewer))
      .sadd(this.index, String(conversationId))
      .exec();
  }

  async remove(conversationId: number, socketId: string): Promise<void> {
    await this.redis.hdel(this.key(conversationId), socketId);
  }

  async list(conversationId: number): Promise<Viewer[]> {
    const entries = await this.redis.hvals(this.key(conversationId));
    return entries.map((entry) => JSON.parse(entry) as Viewer);
  }

  // Two instances may sweep at once: HDEL answers 1 to only one of them, and only that one reports it.
  async takeExpired(now: number): Promise<{ conversationId: number; viewer: Viewer }[]> {
    const expired: { conversationId: number; viewer: Viewer }[] = [];
    for (const member of await this.redis.smembers(this.index)) {
      const conversationId = Number(member);
      const viewers = await this.list(conversationId);
      if (viewers.length === 0) {
        await this.redis.srem(this.index, member);
        continue;
      }
      for (const viewer of viewers.filter((item) => item.expiresAt <= now)) {
        if ((await this.redis.hdel(this.key(conversationId), viewer.socketId)) === 1) {
          expired.push({ conversationId, viewer });
        }
      }
    }
    return expired;
  }
}
