import { Injectable } from '@nestjs/common';
import type { Actor } from '../auth/actor.js';
import { DomainError, ErrorCode, notFound } from '../common/errors.js';
import type { RateConversationInput, RatingView } from '../contract/ratings.js';
import { ConversationsService } from '../conversations/conversations.service.js';
import { DomainEvents } from '../events/domain-events.js';
import { RatingsRepository } from './ratings.repository.js';

// Customer satisfaction: the conversation's user rates it once per closing, while it is CLOSED.
@Injectable()
export class RatingsService {
  constructor(
    private readonly ratings: RatingsRepository,
    private readonly conversations: ConversationsService,
    private readonly events: DomainEvents,
  ) {}

  async rate(actor: Actor, conversationId: number, input: RateConversationInput): Promise<RatingView> {
    // Admins and other users get the same 404 as for a missing conversation: only its user rates it.
    const result = await this.ratings.rate(conversationId, actor.id, input.score, input.comment);
    switch (result.kind) {
      case 'missing':
        throw notFound();
      case 'active':
        throw new DomainError(ErrorCode.CONFLICT, 'A conversation can be rated once it is closed');
      case 'already-rated':
        throw new DomainError(ErrorCode.CONFLICT, 'This conversation was already rated since it was closed');
      case 'rated': {
        const rating = { score: result.rating.score, comment: result.rating.comment, createdAt: result.rating.createdAt.toISOString() };
        const conversation = await this.conversations.view(conversationId);
        if (conversation) {
          this.events.publish('conversation.rated', { conversation, rating });
        }
        return { conversationId, userId: actor.id, ...rating };
      }
    }
  }
}
