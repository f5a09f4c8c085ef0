import { Module } from '@nestjs/common';
import { CollisionModule } from '../collision/collision.module.js';
import { MessagesModule } from '../messages/messages.module.js';
import { ChatGateway } from './chat.gateway.js';
import { SocketSessions } from './socket-sessions.js';

@Module({
  imports: [MessagesModule, CollisionModule],
  providers: [ChatGateway, SocketSessions],
})
export class ChatGatewayModule {}
