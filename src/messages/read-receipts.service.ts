import { Injectable } from '@nestjs/common';
import { type Actor } from '../auth/actor.js';
import type { ReadReceiptView } from '../contract/messages.js';
import { ConversationsService, unreadSideOf } from '../conversations/conversations.service.js';
import { DomainEvents } from '../events/domain-events.js';
import { MessagesRepository } from './messages.repository.js';

@Injectable()
export class ReadReceiptsService {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly conversations: ConversationsService,
    private readonly events: DomainEvents,
  ) {}

  async markRead(actor: Actor, conversationId: number): Promise<ReadReceiptView> {
    const ownerId = await this.conversations.requireAccessibleOwner(actor, conversationId);
    const { count, readAt } = await this.messages.markRead(conversationId, unreadSideOf(actor));
    const receipt: ReadReceiptView = { conversationId, readerId: actor.id, readAt: readAt.toISOString(), count };
    if (count > 0) {
      this.events.publish('messages.read', { receipt, conversationUserId: ownerId });
    }
    return receipt;
  }
}
