import { Module } from '@nestjs/common';
import { MessagesModule } from '../messages/messages.module.js';
import { ChatGateway } from './chat.gateway.js';
import { SocketSessions } from './socket-sessions.js';

@Module({
  imports: [MessagesModule],
  providers: [ChatGateway, SocketSessions],
})
export class ChatGatewayModule {}
