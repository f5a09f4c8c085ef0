import { Global, Module } from '@nestjs/common';
import { DrainService } from './drain.service.js';
import { RealtimePublisher } from './realtime.publisher.js';

@Global()
@Module({
  providers: [RealtimePublisher, DrainService],
  exports: [RealtimePublisher, DrainService],
})
export class RealtimeModule {}
