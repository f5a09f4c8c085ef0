import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ROLES, type Role } from '../database/schema.js';
import { LocalConnections, type PresenceStore } from './presence.store.js';
import { type OnlineUser } from '../contract/realtime.js';

const asRole = (value: string): Role => (ROLES.includes(value as Role) ? (value as Role) : 'USER');

// Each instance keeps a hash of its online users (userId → role) and a heartbeat score in a sorted set.
// An instance whose heartbeat is older than the TTL is dead: one instance at a time (a lock) removes
// its hash and reports its users offline unless another instance has them.
export class RedisPresenceStore implements PresenceStore {
  private readonly instanceId = randomUUID();
  private readonly local = new LocalConnections();
  private readonly instances: string;
  private readonly sweepLock: string;

  constructor(
    private readonly redis: Redis,
    private readonly ttlMs: number,
    private readonly prefix: string,
  ) {
    this.instances = `${prefix}:presence:instances`;
    this.sweepLock = `${prefix}:presence:sweep-lock`;
  }

  private instanceKey(instanceId: string): string {
    return `${this.prefix}:presence:instance:${instanceId}`;
  }

  async heartbeat(): Promise<void> {
    const users = this.local.users();
    const multi = this.redis.multi().zadd(this.instances, Date.now(), this.instanceId);
    if (users.length > 0) {
      multi.hset(this.instanceKey(this.instanceId), Object.fromEntries(users.map((user) => [user.userId, user.role])));
    }
    // The hash outlives the heartbeat so the sweeper can still read whom a dead instance had.
    await multi.pexpire(this.instanceKey(this.instanceId), this.ttlMs * 3).exec();
  }

  async connected(user: OnlineUser): Promise<boolean> {
    if (this.local.add(user) !== 1) {
      return false;
    }
    const elsewhere = await this.isOnlineElsewhere(user.userId);
    await this.redis
      .multi()
      .hset(this.instanceKey(this.instanceId), user.userId, user.role)
      .pexpire(this.instanceKey(this.instanceId), this.ttlMs * 3)
      .exec();
    return !elsewhere;
  }

  async disconnected(user: OnlineUser): Promise<boolean> {
    if (this.local.remove(user) !== 0) {
      return false;
    }
    await this.redis.hdel(this.instanceKey(this.instanceId), String(user.userId));
    return !(await this.isOnlineElsewhere(user.userId));
  }

  async online(): Promise<OnlineUser[]> {
    const instances = await this.liveInstances();
    const byUser = new Map<number, Role>();
    const hashes = await Promise.all(instances.map((id) => this.redis.hgetall(this.instanceKey(id))));
    for (const hash of hashes) {
      for (const [userId, role] of Object.entries(hash)) {
        byUser.set(Number(userId), asRole(role));
      }
    }
    return [...byUser].map(([userId, role]) => ({ userId, role }));
  }

  async expire(): Promise<OnlineUser[]> {
    await this.heartbeat();
    const gotLock = await this.redis.set(this.sweepLock, this.instanceId, 'PX', Math.max(1_000, Math.floor(this.ttlMs / 3)), 'NX');
    if (gotLock !== 'OK') {
      return [];
    }
    const dead = await this.redis.zrangebyscore(this.instances, 0, Date.now() - this.ttlMs);
    const gone: OnlineUser[] = [];
    for (const instanceId of dead) {
      const hash = await this.redis.hgetall(this.instanceKey(instanceId));
      await this.redis.multi().del(this.instanceKey(instanceId)).zrem(this.instances, instanceId).exec();
      for (const [userId, role] of Object.entries(hash)) {
        if (!(await this.isOnlineElsewhere(Number(userId)))) {
          gone.push({ userId: Number(userId), role: asRole(role) });
        }
      }
    }
    return gone;
  }

  async close(): Promise<void> {
    await this.redis.multi().del(this.instanceKey(this.instanceId)).zrem(this.instances, this.instanceId).exec();
  }

  private async liveInstances(): Promise<string[]> {
    return this.redis.zrangebyscore(this.instances, Date.now() - this.ttlMs, '+inf');
  }

  private async isOnlineElsewhere(userId: number): Promise<boolean> {
    const others = (await this.liveInstances()).filter((id) => id !== this.instanceId);
    if (others.length === 0) {
      return false;
    }
    const found = await Promise.all(others.map((id) => this.redis.hexists(this.instanceKey(id), String(userId))));
    return found.some((exists) => exists === 1);
  }
}
