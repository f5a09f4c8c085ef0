import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { isDatabaseUnavailable } from '../database/database-errors.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { type AppendResult, type BatchedMessage, MessagesRepository, type NewMessage } from './messages.repository.js';

// Where a send goes: an existing conversation, or the ACTIVE conversation of a user (created if there is none).
export type AppendTarget = { conversationId: number } | { activeConversationOf: number };

export interface AppendRequest {
  // The conversation's user. All sends into one user's conversations share this key (see selectBatch).
  ownerId: number;
  target: AppendTarget;
  message: NewMessage;
}

export interface Queued {
  ownerId: number;
  isBatchable: boolean;
}

// Up to this many items go into one statement: a batch stays a short transaction holding few row locks.
export const MAX_BATCH_SIZE = 200;

// Only sends into an existing conversation without attachments go into the batch statement. The rest (a user's
// first message that creates the conversation, claiming attachments) take the single append, a transaction of
// their own: they are rare, and that path already has their rules.
export function isBatchable(request: AppendRequest): boolean {
  return 'conversationId' in request.target && request.message.attachmentIds.length === 0;
}

// The next batch: queued items in arrival order, skipping owners that are in a batch still in flight. Sends into
// one user's conversations are thus never in two batches at once (two batches on two pooled connections could
// take the row lock in either order), and within a batch the statement numbers them in arrival order. Once an
// item of an owner is left behind, or an item that takes the single append (run after the statement) is taken,
// the owner's later items wait for the next batch too, so none overtakes an earlier one.
export function selectBatch<T extends Queued>(
  queue: readonly T[],
  busyOwners: ReadonlySet<number>,
  maxSize: number,
): { batch: T[]; rest: T[] } {
  const batch: T[] = [];
  const rest: T[] = [];
  const held = new Set(busyOwners);
  for (const item of queue) {
    if (batch.length >= maxSize || held.has(item.ownerId)) {
      held.add(item.ownerId);
      rest.push(item);
      continue;
    }
    batch.push(item);
    if (!item.isBatchable) {
      held.add(item.ownerId);
    }
  }
  return { batch, rest };
}

interface Pending extends Queued {
  request: AppendRequest;
  resolve(result: AppendResult | undefined): void;
  reject(error: unknown): void;
}

// Group commit for sends: concurrent appends, from any conversations, are stored by one statement and one
// commit per batch. A batch leaves as soon as a slot is free (no timer: at rest it is a batch of one); items that
// arrive while every slot is busy gather for the next. Each caller gets its own answer after its commit: a
// result, undefined (the conversation does not exist) or the single append's error.
@Injectable()
export class AppendBatcher {
  private queue: Pending[] = [];
  private readonly busyOwners = new Set<number>();
  private inFlight = 0;
  private isDispatchScheduled = false;
  private readonly maxInFlight: number;

  constructor(
    private readonly messages: MessagesRepository,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    // PGlite is one connection: a second batch would only wait for it, while gathering makes the next one larger.
    // On PostgreSQL a few batches overlap their round trips and leave pool connections for reads.
    this.maxInFlight = config.database.kind === 'pglite' ? 1 : Math.max(1, Math.min(4, Math.floor(config.database.poolSize / 2)));
  }

  append(request: AppendRequest): Promise<AppendResult | undefined> {
    return new Promise((resolve, reject) => {
      this.queue.push({ request, ownerId: request.ownerId, isBatchable: isBatchable(request), resolve, reject });
      this.scheduleDispatch();
    });
  }

  // Sends queued in the same turn of the event loop leave together.
  private scheduleDispatch(): void {
    if (!this.isDispatchScheduled) {
      this.isDispatchScheduled = true;
      queueMicrotask(() => {
        this.isDispatchScheduled = false;
        this.dispatch();
      });
    }
  }

  private dispatch(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const { batch, rest } = selectBatch(this.queue, this.busyOwners, MAX_BATCH_SIZE);
      if (batch.length === 0) {
        return;
      }
      this.queue = rest;
      this.inFlight += 1;
      const owners = new Set(batch.map((item) => item.ownerId));
      owners.forEach((owner) => this.busyOwners.add(owner));
      void this.run(batch)
        .catch((error: unknown) => batch.forEach((item) => item.reject(error)))
        .finally(() => {
          this.inFlight -= 1;
          owners.forEach((owner) => this.busyOwners.delete(owner));
          this.dispatch();
        });
    }
  }

  private async run(batch: Pending[]): Promise<void> {
    const batched = batch.filter((item) => item.isBatchable);
    const stored = new Map<Pending, AppendResult>();
    if (batched.length > 0) {
      this.metrics.appendBatchSize.observe(batched.length);
      try {
        const results = await this.messages.appendBatch(batched.map(toBatchedMessage));
        results.forEach((result, index) => {
          const item = batched[index];
          if (result && item) {
            stored.set(item, result);
          }
        });
      } catch (error) {
        // The database is away: every item would wait for it again, one by one. Answer them all now.
        if (isDatabaseUnavailable(error)) {
          batch.forEach((item) => item.reject(error));
          return;
        }
        // Anything else (another instance stored the same clientMessageId meanwhile, one item's content the
        // database refuses): the statement stored nothing, and each item gets its own answer from the single append.
      }
    }
    stored.forEach((result, item) => item.resolve(result));
    await this.appendOneByOne(batch.filter((item) => !stored.has(item)));
  }

  // In arrival order per owner (the order seq must follow), owners side by side.
  private async appendOneByOne(items: Pending[]): Promise<void> {
    const byOwner = new Map<number, Pending[]>();
    for (const item of items) {
      byOwner.set(item.ownerId, [...(byOwner.get(item.ownerId) ?? []), item]);
    }
    await Promise.all(
      [...byOwner.values()].map(async (owned) => {
        for (const [index, item] of owned.entries()) {
          try {
            item.resolve(await this.appendSingle(item.request));
          } catch (error) {
            item.reject(error);
            if (isDatabaseUnavailable(error)) {
              owned.slice(index + 1).forEach((later) => later.reject(error));
              return;
            }
          }
        }
      }),
    );
  }

  private appendSingle(request: AppendRequest): Promise<AppendResult | undefined> {
    return 'conversationId' in request.target
      ? this.messages.append(request.target.conversationId, request.message)
      : this.messages.appendToActiveConversation(request.target.activeConversationOf, request.message);
  }
}

function toBatchedMessage(item: Pending): BatchedMessage {
  if (!('conversationId' in item.request.target)) {
    throw new Error('only sends into an existing conversation are batched');
  }
  return { conversationId: item.request.target.conversationId, message: item.request.message };
}
