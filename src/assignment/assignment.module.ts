import { ConversationsModule } from '../conversations/conversations.module.js';
import { EventsModule } from '../events/events.module.js';
import { PresenceModule } from '../presence/presence.module.js';
import { Module } from '@nestjs/common';
import { AssignmentRepository } from './assignment.repository.js';
import { AssignmentService } from './assignment.service.js';

// Server-side assignment (auto-assignment, reassignment after offline) and @mention notifications.
@Module({
  imports: [ConversationsModule, PresenceModule, EventsModule],
  providers: [AssignmentRepository, AssignmentService],
})
export class AssignmentModule {}
