import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { CollisionModule } from '../collision/collision.module.js';
import { MessagesModule } from '../messages/messages.module.js';
import { PresenceModule } from '../presence/presence.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { ChatGateway } from './chat.gateway.js';
import { SocketSessions } from './socket-sessions.js';

@Module({
  imports: [AuthModule, MessagesModule, PresenceModule, RealtimeModule, CollisionModule],
  providers: [ChatGateway, SocketSessions],
})
export class ChatGatewayModule {}
