import { Module } from '@nestjs/common';
import { MessagesRepository } from '../messages/messages.repository.js';
import { ConversationsRepository } from './conversations.repository.js';
import { ConversationsService } from './conversations.service.js';

@Module({
  providers: [ConversationsService, ConversationsRepository, MessagesRepository],
  exports: [ConversationsService, MessagesRepository],
})
export class ConversationsModule {}
