import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { AssignmentRepository } from './assignment.repository.js';
import { AssignmentService } from './assignment.service.js';

// Server-side assignment (auto-assignment, reassignment after offline) and @mention notifications.
@Module({
  imports: [ConversationsModule],
  providers: [AssignmentRepository, AssignmentService],
})
export class AssignmentModule {}
