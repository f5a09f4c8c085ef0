import { Global, Module } from '@nestjs/common';
import { DrainService } from './drain.service.js';
import { MessageEvents } from './message-events.js';
import { RealtimePublisher } from './realtime.publisher.js';

@Global()
@Module({
  providers: [RealtimePublisher, DrainService, MessageEvents],
  exports: [RealtimePublisher, DrainService, MessageEvents],
})
export class RealtimeModule {}
