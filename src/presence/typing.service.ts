import { Inject, Injectable } from '@nestjs/common';
import { type Actor, isAdmin } from '../auth/actor.js';
import { DomainError, ErrorCode } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { ConversationsService } from '../conversations/conversations.service.js';
import { RateLimiter } from '../rate-limit/rate-limiter.service.js';
import { RealtimePublisher } from '../realtime/realtime.publisher.js';
import { ADMINS_ROOM, conversationAudience } from '../realtime/rooms.js';

// Ephemeral like presence: never stored, so it is sent straight to the conversation's audience.
@Injectable()
export class TypingService {
  constructor(
    private readonly conversations: ConversationsService,
    private readonly rateLimiter: RateLimiter,
    private readonly publisher: RealtimePublisher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // Never echoed to the typer's own sockets. Typing a private note reaches admins only.
  async typing(actor: Actor, conversationId: number, isTyping: boolean, socketId: string, isPrivate = false): Promise<void> {
    if (isPrivate && !isAdmin(actor)) {
      throw new DomainError(ErrorCode.FORBIDDEN, 'Only admins may write private notes');
    }
    await this.rateLimiter.consume({ name: 'typing', limit: this.config.rateLimits.typingPer10s, windowMs: 10_000 }, socketId);
    const ownerId = await this.conversations.requireAccessibleOwner(actor, conversationId);
    this.publisher.send(
      'userTyping',
      isPrivate ? [ADMINS_ROOM] : conversationAudience(ownerId),
      { conversationId, userId: actor.id, name: actor.name, role: actor.role, isTyping, isPrivate },
      { exceptUserId: actor.id },
    );
  }
}
