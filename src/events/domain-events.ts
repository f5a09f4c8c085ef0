import { Injectable, Logger } from '@nestjs/common';
import type { ConversationView } from '../contract/conversations.js';
import type { MessageView, ReadReceiptView } from '../contract/messages.js';

// What happened in the domain, named in the past tense. Services publish; realtime fan-out, webhooks, push,
// metrics and later features subscribe, so the service that made a change never calls its side channels.
export interface DomainEventMap {
  // Stored and committed (the ack follows). `conversationUserId` is who, besides admins, may see it.
  // isRedelivery: a retried send answered with the stored row: delivered again, not new (no push, no count).
  'message.stored': { message: MessageView; conversationUserId: number; via: 'rest' | 'socket'; isRedelivery: boolean };
  'conversation.created': { conversation: ConversationView };
  // Status changed (closed, reopened by an admin or by a message).
  'conversation.updated': { conversation: ConversationView };
  'messages.read': { receipt: ReadReceiptView; conversationUserId: number };
  // A private note (admins only). Its own event, so that nothing subscribed to message.stored for the
  // conversation's user (push, email) can ever carry a note.
  'note.stored': { message: MessageView; conversationUserId: number; via: 'rest' | 'socket'; isRedelivery: boolean };
  // The assignee changed (assignedBy: null when the server decided: auto-assignment, reassign after offline).
  'conversation.assigned': {
    conversation: ConversationView;
    previousAssigneeId: number | null;
    assignedBy: { id: number; name: string } | null;
  };
  'conversation.rated': { conversation: ConversationView; rating: { score: number; comment: string | null; createdAt: string } };
  // An admin named in a note with @name.
  'agent.mentioned': { adminId: number; message: MessageView; mentionedBy: { id: number; name: string } };
}

export type DomainEventName = keyof DomainEventMap;
export type DomainEventHandler<E extends DomainEventName> = (event: DomainEventMap[E]) => void | Promise<void>;

type AnyHandler = (event: never) => void | Promise<void>;

// In-process and synchronous: handlers run in subscription order inside publish(), so a fan-out that emits
// keeps the order in which events happened. A handler that throws or rejects is logged and never reaches the
// publisher: a side channel can not fail or slow a send (slow work belongs in the handler's own queue).
@Injectable()
export class DomainEvents {
  private readonly logger = new Logger(DomainEvents.name);
  private readonly handlers = new Map<DomainEventName, AnyHandler[]>();

  subscribe<E extends DomainEventName>(event: E, handler: DomainEventHandler<E>): () => void {
    const list = this.handlers.get(event) ?? [];
    list.push(handler as AnyHandler);
    this.handlers.set(event, list);
    return () => {
      const current = this.handlers.get(event) ?? [];
      this.handlers.set(
        event,
        current.filter((item) => item !== handler),
      );
    };
  }

  publish<E extends DomainEventName>(event: E, payload: DomainEventMap[E]): void {
    for (const handler of this.handlers.get(event) ?? []) {
      try {
        const result = (handler as DomainEventHandler<E>)(payload);
        if (result instanceof Promise) {
          result.catch((error: unknown) => this.reportFailure(event, error));
        }
      } catch (error) {
        this.reportFailure(event, error);
      }
    }
  }

  private reportFailure(event: DomainEventName, error: unknown): void {
    this.logger.warn(`${event} handler failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
