import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { type Actor, isAdmin } from '../auth/actor.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { RealtimePublisher } from '../realtime/realtime.publisher.js';
import { ADMINS_ROOM, USERS_ROOM } from '../realtime/rooms.js';
import type { OnlineUser, PresenceView } from '../contract/realtime.js';
import { type PresenceStore } from './presence.store.js';

export const PRESENCE_STORE = Symbol('PRESENCE_STORE');

@Injectable()
export class PresenceService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(PresenceService.name);
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(PRESENCE_STORE) private readonly store: PresenceStore,
    private readonly publisher: RealtimePublisher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.expireDeadInstances(), Math.max(1_000, Math.floor(this.config.presenceTtlMs / 3)));
    this.timer.unref();
    void this.expireDeadInstances();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.store.close().catch(() => undefined);
  }

  async connected(actor: Pick<Actor, 'id' | 'role'>): Promise<void> {
    const user = { userId: actor.id, role: actor.role };
    if (await this.guard(() => this.store.connected(user), false)) {
      this.announce(user, true);
    }
  }

  async disconnected(actor: Pick<Actor, 'id' | 'role'>): Promise<void> {
    const user = { userId: actor.id, role: actor.role };
    if (await this.guard(() => this.store.disconnected(user), false)) {
      this.announce(user, false);
    }
  }

  // Everyone with at least one connected socket on any instance; empty when the store is unreachable.
  async onlineUserIds(): Promise<Set<number>> {
    const online = await this.guard(() => this.store.online(), []);
    return new Set(online.map((user) => user.userId));
  }

  // Admins with a connected socket anywhere. Throws when the store is unreachable: assignment must not
  // read "nobody is online" into an outage.
  async onlineAdminIds(): Promise<Set<number>> {
    const online = await this.store.online();
    return new Set(online.filter((user) => user.role === 'ADMIN').map((user) => user.userId));
  }

  async view(actor: Actor): Promise<PresenceView> {
    const online = await this.store.online();
    const admins = online.filter((user) => user.role === 'ADMIN');
    return { supportOnline: admins.length > 0, online: isAdmin(actor) ? online : admins };
  }

  // Users hear about admins (is support there?); admins hear about everyone.
  private announce(user: OnlineUser, online: boolean): void {
    const rooms = user.role === 'ADMIN' ? [ADMINS_ROOM, USERS_ROOM] : [ADMINS_ROOM];
    this.publisher.send('presence', rooms, { userId: user.userId, role: user.role, online });
  }

  private async expireDeadInstances(): Promise<void> {
    const gone = await this.guard(() => this.store.expire(), []);
    for (const user of gone) {
      this.announce(user, false);
    }
  }

  // Presence is a courtesy: when its store is down the chat goes on without it.
  private async guard<T>(action: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await action();
    } catch (error) {
      this.logger.warn(`presence store unavailable: ${error instanceof Error ? error.message : String(error)}`);
      return fallback;
    }
  }
}
