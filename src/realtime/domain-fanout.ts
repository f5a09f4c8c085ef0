import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DomainEvents } from '../events/domain-events.js';
import { RealtimePublisher } from './realtime.publisher.js';
import { ADMINS_ROOM, conversationAudience, conversationUrl, userRoom } from './rooms.js';

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
    // A private note goes to admins only; message.stored never carries one, checked again here because a
    // leak to the customer is the one mistake this fan-out must not make.
    this.events.subscribe('message.stored', ({ message, conversationUserId }) =>
      this.publisher.send('newMessage', message.isPrivate ? [ADMINS_ROOM] : conversationAudience(conversationUserId), message),
    );
    this.events.subscribe('note.stored', ({ message }) => this.publisher.send('newMessage', [ADMINS_ROOM], message));
    // Who works on a conversation is the team's business: admins hear about it; the new assignee is told
    // when someone else (or the server) gave it to them.
    this.events.subscribe('conversation.assigned', ({ conversation, assignedBy }) => {
      this.publisher.send('conversationUpdated', [ADMINS_ROOM], conversation);
      const assignee = conversation.assignee;
      if (assignee && assignee.id !== assignedBy?.id) {
        this.publisher.send('assigned', [userRoom(assignee.id)], {
          conversation,
          assignedBy,
          url: conversationUrl(conversation.id),
        });
      }
    });
    this.events.subscribe('conversation.rated', ({ conversation }) =>
      this.publisher.send('conversationUpdated', conversationAudience(conversation.userId), conversation),
    );
    this.events.subscribe('agent.mentioned', ({ adminId, message, mentionedBy }) =>
      this.publisher.send('mentioned', [userRoom(adminId)], {
        conversationId: message.conversationId,
        messageId: message.id,
        message,
        mentionedBy,
        url: conversationUrl(message.conversationId),
      }),
    );
    this.events.subscribe('messages.read', ({ receipt, conversationUserId }) =>
      this.publisher.send('messagesRead', conversationAudience(conversationUserId), receipt),
    );
  }
}
