import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module.js';
import { DomainFanout } from './domain-fanout.js';
import { DrainService } from './drain.service.js';
import { RealtimePublisher } from './realtime.publisher.js';

@Module({
  imports: [EventsModule],
  providers: [RealtimePublisher, DrainService, DomainFanout],
  exports: [RealtimePublisher, DrainService],
})
export class RealtimeModule {}
