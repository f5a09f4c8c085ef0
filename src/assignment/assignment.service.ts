import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import type { ConversationView } from '../contract/conversations.js';
import { ConversationsService } from '../conversations/conversations.service.js';
import { DomainEvents } from '../events/domain-events.js';
import { PresenceService } from '../presence/presence.service.js';
import { AssignmentRepository } from './assignment.repository.js';
import { mentionedAdminIds } from './mentions.js';

const MAX_SWEEP_INTERVAL_MS = 30_000;

// Server-side assignment decisions: auto-assignment (AUTO_ASSIGN) of new and reopened conversations, giving
// back the conversations of an assignee who went offline, and @mentions in notes. Admins' own assignments
// go through ConversationsService.assign.
@Injectable()
export class AssignmentService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(AssignmentService.name);
  // When this instance first saw each assignee offline. Per instance: after a restart the clock starts
  // again, which only ever delays a reassignment.
  private readonly offlineSince = new Map<number, number>();
  private timer?: NodeJS.Timeout;
  private sweeping = false;

  constructor(
    private readonly repository: AssignmentRepository,
    private readonly conversations: ConversationsService,
    private readonly presence: PresenceService,
    private readonly events: DomainEvents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.events.subscribe('conversation.created', ({ conversation }) => this.autoAssign(conversation));
    this.events.subscribe('conversation.updated', ({ conversation }) => this.autoAssign(conversation));
    this.events.subscribe('note.stored', async ({ message, isRedelivery }) => {
      if (isRedelivery) {
        return;
      }
      const admins = await this.repository.admins();
      for (const adminId of mentionedAdminIds(message.content, admins)) {
        if (adminId !== message.senderId) {
          this.events.publish('agent.mentioned', { adminId, message, mentionedBy: { id: message.sender.id, name: message.sender.name } });
        }
      }
    });
    const interval = Math.min(MAX_SWEEP_INTERVAL_MS, Math.max(250, Math.floor(this.config.assignment.reassignAfterMs / 4)));
    this.timer = setInterval(() => void this.sweep(), interval);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  // A new conversation, or one reopened with nobody on it, goes to an online admin under capacity.
  async autoAssign(conversation: ConversationView): Promise<void> {
    if (!this.config.assignment.autoAssign || conversation.status !== 'ACTIVE' || conversation.assignee) {
      return;
    }
    await this.assignToOnlineAgent(conversation.id);
  }

  private async assignToOnlineAgent(conversationId: number): Promise<void> {
    const online = await this.presence.onlineAdminIds();
    const assigneeId = await this.repository.assignRoundRobin(conversationId, [...online], this.config.assignment.agentCapacity);
    if (assigneeId !== undefined) {
      await this.conversations.announceAssigned(conversationId, null);
    }
  }

  // An assignee offline for REASSIGN_AFTER_MS gives back the conversations waiting for an answer.
  async sweep(): Promise<void> {
    if (this.sweeping) {
      return;
    }
    this.sweeping = true;
    try {
      const online = await this.presence.onlineAdminIds();
      const assignees = await this.repository.activeAssignees();
      const now = Date.now();
      for (const id of [...this.offlineSince.keys()]) {
        if (online.has(id) || !assignees.includes(id)) {
          this.offlineSince.delete(id);
        }
      }
      for (const assigneeId of assignees.filter((id) => !online.has(id))) {
        const since = this.offlineSince.get(assigneeId);
        if (since === undefined) {
          this.offlineSince.set(assigneeId, now);
        } else if (now - since >= this.config.assignment.reassignAfterMs) {
          await this.release(assigneeId);
        }
      }
    } catch (error) {
      // Presence or the database is unreachable: decide nothing now, try again on the next tick.
      this.logger.warn(`assignment sweep skipped: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.sweeping = false;
    }
  }

  private async release(assigneeId: number): Promise<void> {
    const released = await this.repository.releaseAwaitingReply(assigneeId);
    if (released.length > 0) {
      this.logger.log(`admin ${assigneeId} offline: ${released.length} conversation(s) unassigned`);
    }
    for (const conversationId of released) {
      await this.conversations.announceAssigned(conversationId, assigneeId);
      if (this.config.assignment.autoAssign) {
        await this.assignToOnlineAgent(conversationId);
      }
    }
  }
}
