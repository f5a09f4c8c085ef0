import { Module } from '@nestjs/common';

// Web Push notifications for people with no connected socket.
@Module({})
export class PushModule {}
