import { Module } from '@nestjs/common';
import { ConversationsController } from '../conversations/conversations.controller.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { UsersModule } from '../users/users.module.js';
import { MessagesController } from './messages.controller.js';
import { MessagesService } from './messages.service.js';

@Module({
  imports: [UsersModule, ConversationsModule],
  controllers: [MessagesController, ConversationsController],
  providers: [MessagesService],
  exports: [MessagesService],
})
export class MessagesModule {}
