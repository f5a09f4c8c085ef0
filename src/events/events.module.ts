import { Module } from '@nestjs/common';
import { DomainEvents } from './domain-events.js';

// One bus per application: every module that publishes or subscribes imports this module.
@Module({
  providers: [DomainEvents],
  exports: [DomainEvents],
})
export class EventsModule {}
