import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DomainEvents } from '../events/domain-events.js';
import { RealtimePublisher } from './realtime.publisher.js';
import { conversationAudience } from './rooms.js';

// Who receives what on /chat, in one place: a conversation's events go to its user's sockets (every tab,
// the sender's included) and to every admin. Typing and presence are ephemeral and sent by their own modules.
@Injectable()
export class DomainFanout implements OnModuleInit {
  constructor(
    private readonly events: DomainEvents,
    private readonly publisher: RealtimePublisher,
  ) {}

  onModuleInit(): void {
    this.events.subscribe('conversation.created', ({ conversation }) =>
      this.publisher.send('conversationUpdated', conversationAudience(conversation.userId), conversation),
    );
    this.events.subscribe('conversation.updated', ({ conversation }) =>
      this.publisher.send('conversationUpdated', conversationAudience(conversation.userId), conversation),
    );
    this.events.subscribe('message.stored', ({ message, conversationUserId }) =>
      this.publisher.send('newMessage', conversationAudience(conversationUserId), message),
    );
    this.events.subscribe('messages.read', ({ receipt, conversationUserId }) =>
      this.publisher.send('messagesRead', conversationAudience(conversationUserId), receipt),
    );
  }
}
