import { Injectable } from '@nestjs/common';
import { type Actor, isAdmin } from '../auth/actor.js';
import { DomainError, ErrorCode, notFound } from '../common/errors.js';
import { decodeCursor, encodeCursor } from '../common/pagination.js';
import type { ConversationStatus } from '../database/schema.js';
import { DomainEvents } from '../events/domain-events.js';
import { toConversationListItem, toConversationView } from './conversation.mappers.js';
import type { ConversationRecord } from './conversation.records.js';
import type { ConversationListItem, ConversationView, UnreadCountView } from '../contract/conversations.js';
import {
  ActiveConversationExistsError,
  type AssignResult,
  ConversationsRepository,
  InvalidAssigneeError,
  type UnreadSide,
} from './conversations.repository.js';
import type { ListConversationsQuery, UpdateConversationInput } from '../contract/conversations.js';

const OWNER_CACHE_SIZE = 50_000;

export function unreadSideOf(actor: Actor): UnreadSide {
  return isAdmin(actor) ? { kind: 'admins' } : { kind: 'user', userId: actor.id };
}

function assigneeFilter(actor: Actor, assignee: string | undefined): number | null | undefined {
  switch (assignee) {
    case undefined:
      return undefined;
    case 'me':
      return actor.id;
    case 'none':
      return null;
    default:
      return Number(assignee);
  }
}

@Injectable()
export class ConversationsService {
  // A conversation's user never changes, so who may see it can be cached for the process's life.
  private readonly ownerCache = new Map<number, number>();

  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly events: DomainEvents,
  ) {}

  // "Not yours" and "does not exist" are the same 404.
  async requireAccess(actor: Actor, conversationId: number): Promise<ConversationRecord> {
    const conversation = await this.conversations.findById(conversationId);
    if (!conversation || (!isAdmin(actor) && conversation.userId !== actor.id)) {
      throw notFound();
    }
    this.rememberOwner(conversation.id, conversation.userId);
    return conversation;
  }

  // The conversation's user id, usually without a query; undefined when it does not exist.
  async ownerOf(conversationId: number): Promise<number | undefined> {
    let ownerId = this.ownerCache.get(conversationId);
    if (ownerId === undefined) {
      ownerId = await this.conversations.findOwnerId(conversationId);
      if (ownerId !== undefined) {
        this.rememberOwner(conversationId, ownerId);
      }
    }
    return ownerId;
  }

  // The same access check as requireAccess, answered from the owner cache.
  async requireAccessibleOwner(actor: Actor, conversationId: number): Promise<number> {
    const ownerId = await this.ownerOf(conversationId);
    if (ownerId === undefined || (!isAdmin(actor) && ownerId !== actor.id)) {
      throw notFound();
    }
    return ownerId;
  }

  async list(actor: Actor, query: ListConversationsQuery): Promise<{ items: ConversationListItem[]; nextCursor?: string }> {
    const rows = await this.conversations.list({
      userId: isAdmin(actor) ? undefined : actor.id,
      status: query.status,
      search: isAdmin(actor) ? query.q : undefined,
      assigneeId: isAdmin(actor) ? assigneeFilter(actor, query.assignee) : undefined,
      after: query.cursor ? decodeCursor(query.cursor) : undefined,
      limit: query.limit + 1,
      side: unreadSideOf(actor),
    });
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map(toConversationListItem),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.lastMessageAt, last.id) : undefined,
    };
  }

  // The conversation as a list item; a user's own only ("not yours" and "does not exist" are the same 404).
  async get(actor: Actor, conversationId: number): Promise<ConversationListItem> {
    const [item] = await this.conversations.list({
      id: conversationId,
      userId: isAdmin(actor) ? undefined : actor.id,
      limit: 1,
      side: unreadSideOf(actor),
    });
    if (!item) {
      throw notFound();
    }
    this.rememberOwner(item.id, item.userId);
    return toConversationListItem(item);
  }

  // PATCH: the assignee first (a lost compare-and-set changes nothing), then the status.
  async update(actor: Actor, conversationId: number, input: UpdateConversationInput): Promise<ConversationView> {
    if (!isAdmin(actor)) {
      throw new DomainError(ErrorCode.FORBIDDEN, 'Only admins may change a conversation');
    }
    let view: ConversationView | undefined;
    if (input.assigneeId !== undefined) {
      view = await this.assign(actor, conversationId, input.assigneeId, input.expectedAssigneeId);
    }
    if (input.status !== undefined) {
      view = await this.changeStatus(actor, conversationId, input.status);
    }
    return view ?? toConversationView(await this.requireAccess(actor, conversationId));
  }

  // Every assignment change by an admin goes through here; the server's own (auto-assignment) publish
  // through announceAssigned after their repository made the change.
  async assign(actor: Actor, conversationId: number, assigneeId: number | null, expected?: number | null): Promise<ConversationView> {
    if (!isAdmin(actor)) {
      throw new DomainError(ErrorCode.FORBIDDEN, 'Only admins may assign conversations');
    }
    let result: AssignResult;
    try {
      result = await this.conversations.assign(conversationId, assigneeId, expected, actor.id);
    } catch (error) {
      if (error instanceof InvalidAssigneeError) {
        throw new DomainError(ErrorCode.VALIDATION, 'assigneeId must name an active ADMIN', {
          issues: [{ path: 'assigneeId', message: 'must name an active ADMIN' }],
        });
      }
      throw error;
    }
    switch (result.kind) {
      case 'missing':
        throw notFound();
      case 'conflict':
        throw new DomainError(
          ErrorCode.CONFLICT,
          result.current ? `Already assigned to ${result.current.name}` : 'The conversation is no longer assigned to the expected agent',
          { context: { assignee: result.current, assigneeId: result.current?.id ?? null } },
        );
      case 'done': {
        const view = toConversationView(result.record);
        if (result.changed) {
          this.events.publish('conversation.assigned', {
            conversation: view,
            previousAssigneeId: result.previousAssigneeId,
            assignedBy: { id: actor.id, name: actor.name },
          });
        }
        return view;
      }
    }
  }

  // For features that publish about a conversation after their own change (ratings).
  async view(conversationId: number): Promise<ConversationView | undefined> {
    const record = await this.conversations.findById(conversationId);
    return record && toConversationView(record);
  }

  async announceAssigned(conversationId: number, previousAssigneeId: number | null): Promise<void> {
    const record = await this.conversations.findById(conversationId);
    if (record) {
      this.events.publish('conversation.assigned', { conversation: toConversationView(record), previousAssigneeId, assignedBy: null });
    }
  }

  // Every status transition goes through here (sending into a CLOSED conversation reopens it in the same
  // statement that stores the message, and is announced through announce).
  async changeStatus(actor: Actor, conversationId: number, status: ConversationStatus): Promise<ConversationView> {
    if (!isAdmin(actor)) {
      throw new DomainError(ErrorCode.FORBIDDEN, 'Only admins may change a conversation status');
    }
    let result: Awaited<ReturnType<ConversationsRepository['setStatus']>>;
    try {
      result = await this.conversations.setStatus(conversationId, status);
    } catch (error) {
      if (error instanceof ActiveConversationExistsError) {
        throw new DomainError(ErrorCode.CONFLICT, 'This user already has another ACTIVE conversation; close it first');
      }
      throw error;
    }
    if (!result) {
      throw notFound();
    }
    const view = toConversationView(result.record);
    if (result.changed) {
      this.events.publish('conversation.updated', { conversation: view });
    }
    return view;
  }

  // A send created or reopened the conversation (in the statement that stored the message): say so.
  async announce(conversationId: number, event: 'conversation.created' | 'conversation.updated'): Promise<void> {
    const record = await this.conversations.findById(conversationId);
    if (record) {
      this.events.publish(event, { conversation: toConversationView(record) });
    }
  }

  async assignmentCounts(actor: Actor, status: ConversationStatus | undefined): Promise<{ mine: number; unassigned: number; all: number }> {
    if (!isAdmin(actor)) {
      throw new DomainError(ErrorCode.FORBIDDEN, 'Only admins see assignment counts');
    }
    return this.conversations.assignmentCounts(actor.id, status);
  }

  async unreadCount(actor: Actor): Promise<UnreadCountView> {
    const conversations = await this.conversations.unreadCounts(unreadSideOf(actor));
    return { count: conversations.reduce((sum, item) => sum + item.count, 0), conversations };
  }

  private rememberOwner(conversationId: number, userId: number): void {
    if (this.ownerCache.size >= OWNER_CACHE_SIZE) {
      const oldest = this.ownerCache.keys().next().value;
      if (oldest !== undefined) {
        this.ownerCache.delete(oldest);
      }
    }
    this.ownerCache.set(conversationId, userId);
  }
}
