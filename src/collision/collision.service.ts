import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { type Actor, isAdmin } from '../auth/actor.js';
import { DomainError, ErrorCode } from '../common/errors.js';
import { ConversationsService } from '../conversations/conversations.service.js';
import { RealtimePublisher } from '../realtime/realtime.publisher.js';
import { ADMINS_ROOM } from '../realtime/rooms.js';
import { type Viewer, type ViewersStore } from './viewers.store.js';

export const VIEWERS_STORE = Symbol('VIEWERS_STORE');

// An entry not refreshed for this long belongs to a dead instance; refreshed and swept every REFRESH_MS,
// so a viewer of a dead instance is reported gone within VIEWING_TTL_MS + REFRESH_MS (25 s).
export const VIEWING_TTL_MS = 20_000;
const REFRESH_MS = 5_000;

// Collision: admins see who else has a conversation open. Ephemeral: nothing is stored in the database.
@Injectable()
export class CollisionService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(CollisionService.name);
  // This instance's sockets and what each has open.
  private readonly local = new Map<string, { actor: Actor; conversationIds: Set<number> }>();
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(VIEWERS_STORE) private readonly store: ViewersStore,
    private readonly conversations: ConversationsService,
    private readonly publisher: RealtimePublisher,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.refreshAndSweep(), REFRESH_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  // Returns the other admins viewing it now.
  async viewing(actor: Actor, socketId: string, conversationId: number, isViewing: boolean): Promise<{ userId: number; name: string }[]> {
    if (!isAdmin(actor)) {
      throw new DomainError(ErrorCode.FORBIDDEN, 'Only admins share what they are viewing');
    }
    await this.conversations.requireAccessibleOwner(actor, conversationId);
    const entry = this.local.get(socketId) ?? { actor, conversationIds: new Set<number>() };
    if (isViewing) {
      entry.conversationIds.add(conversationId);
      this.local.set(socketId, entry);
      await this.store.put(conversationId, this.viewerOf(actor, socketId));
      this.announce(conversationId, actor.id, actor.name, true);
    } else if (entry.conversationIds.delete(conversationId)) {
      await this.leave(conversationId, socketId, actor);
    }
    const others = new Map<number, string>();
    for (const viewer of await this.store.list(conversationId)) {
      if (viewer.userId !== actor.id && viewer.expiresAt > Date.now()) {
        others.set(viewer.userId, viewer.name);
      }
    }
    return [...others].map(([userId, name]) => ({ userId, name }));
  }

  // A socket closed: it views nothing any more.
  async socketGone(socketId: string): Promise<void> {
    const entry = this.local.get(socketId);
    if (!entry) {
      return;
    }
    this.local.delete(socketId);
    for (const conversationId of entry.conversationIds) {
      await this.leave(conversationId, socketId, entry.actor).catch((error: unknown) => this.warn(error));
    }
  }

  private async leave(conversationId: number, socketId: string, actor: Actor): Promise<void> {
    await this.store.remove(conversationId, socketId);
    // Another tab of the same admin still has it open: they are still viewing.
    if (!(await this.store.list(conversationId)).some((viewer) => viewer.userId === actor.id)) {
      this.announce(conversationId, actor.id, actor.name, false);
    }
  }

  private async refreshAndSweep(): Promise<void> {
    try {
      for (const [socketId, entry] of this.local) {
        for (const conversationId of entry.conversationIds) {
          await this.store.put(conversationId, this.viewerOf(entry.actor, socketId));
        }
      }
      for (const { conversationId, viewer } of await this.store.takeExpired(Date.now())) {
        if (!(await this.store.list(conversationId)).some((other) => other.userId === viewer.userId)) {
          this.announce(conversationId, viewer.userId, viewer.name, false);
        }
      }
    } catch (error) {
      this.warn(error);
    }
  }

  private viewerOf(actor: Actor, socketId: string): Viewer {
    return { socketId, userId: actor.id, name: actor.name, expiresAt: Date.now() + VIEWING_TTL_MS };
  }

  private announce(conversationId: number, userId: number, name: string, isViewing: boolean): void {
    this.publisher.send('agentViewing', [ADMINS_ROOM], { conversationId, userId, name, isViewing }, { exceptUserId: userId });
  }

  private warn(error: unknown): void {
    this.logger.warn(`collision store unavailable: ${error instanceof Error ? error.message : String(error)}`);
  }
}
