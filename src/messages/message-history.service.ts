import { Inject, Injectable } from '@nestjs/common';
import { type Actor, isAdmin } from '../auth/actor.js';
import { DomainError, ErrorCode, notFound } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import type { HistoryQuery, MessageView, SyncInput } from '../contract/messages.js';
import { ConversationsService } from '../conversations/conversations.service.js';
import { type CachedHistoryPage, HistoryPageCache, ownedBytes } from './history-page.cache.js';
import { type MessageRecord, toMessageView } from './message.records.js';
import { LookupBatcher } from '../common/lookup-batcher.js';
import { type HistoryPageCheck, type HistoryPageState, MessagesRepository, type SenderStamp } from './messages.repository.js';

const SYNC_PAGE = 500;

// Version checks of cached pages waiting behind this many running statements go out together.
const PAGE_CHECKS_IN_FLIGHT = 2;
const PAGE_CHECKS_PER_STATEMENT = 100;

export interface HistoryPage {
  items: MessageView[];
  next?: { before: number } | { afterSeq: number };
}

// A page as the JSON body of the HTTP answer (the same bytes JSON.stringify of its items gives).
export interface SerialisedHistoryPage {
  body: Buffer | string;
  next?: HistoryPage['next'];
}

const isNewestPage = (query: HistoryQuery): boolean =>
  query.before === undefined && query.around === undefined && query.afterSeq === undefined;

// The distinct senders a page shows, by id, as the page shows them.
function senderStamps(page: MessageRecord[]): SenderStamp[] {
  const byId = new Map<number, SenderStamp>();
  for (const message of page) {
    byId.set(message.sender.id, [message.sender.id, message.sender.name, message.sender.role]);
  }
  return [...byId.values()].sort((a, b) => a[0] - b[0]);
}

// Reading what was stored: history pages (newest, older, around a message, after a seq) and sync.
@Injectable()
export class MessageHistoryService {
  // The newest page of a conversation is what every opened thread asks for, over and over. It is kept here
  // and served again while a version check says it is still what the database holds: one statement reads the
  // conversation row's state (last_seq and the unread counters, see messages.repository.ts) and the current
  // name and role of the page's senders. Chosen over invalidation through Redis pub/sub because it is right by
  // construction on any number of instances: a send or read acknowledged by another instance is seen by the
  // very next read here (pub/sub delivers a moment later), nothing depends on Redis being up or on a message
  // getting through, and an entry can never outlive what it shows. The price is a primary-key lookup per read
  // instead of the page query (an index scan of limit + 1 rows joined to users, with their attachments).
  // Under load the checks of concurrent reads share one statement; each still sees every change committed
  // before its own request asked (see LookupBatcher).
  private readonly pageCache: HistoryPageCache;
  private readonly pageChecks: LookupBatcher<HistoryPageCheck, { state: HistoryPageState; senders: SenderStamp[] } | undefined>;

  constructor(
    private readonly messages: MessagesRepository,
    private readonly conversations: ConversationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.pageCache = new HistoryPageCache(config.historyCache);
    this.pageChecks = new LookupBatcher((checks) => this.messages.historyPageStates(checks), {
      maxInFlight: PAGE_CHECKS_IN_FLIGHT,
      maxBatch: PAGE_CHECKS_PER_STATEMENT,
    });
  }

  // For HTTP: the newest page (no cursor) from the cache when it is still current, the others as read() makes them.
  async readSerialised(actor: Actor, conversationId: number, query: HistoryQuery): Promise<SerialisedHistoryPage> {
    if (!isNewestPage(query) || !this.pageCache.isEnabled) {
      const page = await this.read(actor, conversationId, query);
      return { body: JSON.stringify(page.items), next: page.next };
    }
    await this.conversations.requireAccessibleOwner(actor, conversationId);
    const includePrivate = isAdmin(actor);
    // Every admin sees the same page, and only the conversation's user sees its user page.
    const key = `${conversationId}/${includePrivate ? 'admins' : 'user'}/${query.limit}`;
    const cached = this.pageCache.get(key);
    if (cached && (await this.isCurrent(conversationId, cached))) {
      return cached;
    }
    const fresh = await this.messages.newestPage(conversationId, query.limit + 1, includePrivate);
    if (!fresh) {
      throw notFound();
    }
    const page = fresh.messages.length > query.limit ? fresh.messages.slice(1) : fresh.messages;
    const first = page[0];
    const senders = senderStamps(page);
    const entry: CachedHistoryPage = {
      state: fresh.state,
      senderIds: senders.map(([id]) => id),
      senders: JSON.stringify(senders),
      body: ownedBytes(JSON.stringify(page.map(toMessageView))),
      next: fresh.messages.length > query.limit && first ? { before: first.id } : undefined,
    };
    this.pageCache.set(key, entry);
    return entry;
  }

  // Every read path decides once whether private notes are included: only for admins.
  async read(actor: Actor, conversationId: number, query: HistoryQuery): Promise<HistoryPage> {
    await this.conversations.requireAccessibleOwner(actor, conversationId);
    const includePrivate = isAdmin(actor);
    if (query.afterSeq !== undefined) {
      const rows = await this.messages.pageAfter(conversationId, query.afterSeq, query.limit + 1, includePrivate);
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      return { items: page.map(toMessageView), next: rows.length > query.limit && last ? { afterSeq: last.seq } : undefined };
    }
    let beforeSeq: number | undefined;
    const anchorId = query.before ?? query.around;
    if (anchorId !== undefined) {
      const anchorSeq = await this.messages.seqOf(conversationId, anchorId, includePrivate);
      const field = query.before !== undefined ? 'before' : 'around';
      if (anchorSeq === undefined) {
        throw new DomainError(ErrorCode.VALIDATION, `${field}: no such message in this conversation`, {
          issues: [{ path: field, message: 'no such message in this conversation' }],
        });
      }
      // around: the anchor and up to half a page of newer messages, the rest older.
      beforeSeq = query.before !== undefined ? anchorSeq : anchorSeq + Math.floor(query.limit / 2) + 1;
    }
    const rows = await this.messages.pageBefore(conversationId, beforeSeq, query.limit + 1, includePrivate);
    const page = rows.length > query.limit ? rows.slice(1) : rows;
    const first = page[0];
    return { items: page.map(toMessageView), next: rows.length > query.limit && first ? { before: first.id } : undefined };
  }

  private async isCurrent(conversationId: number, page: CachedHistoryPage): Promise<boolean> {
    const now = await this.pageChecks.ask({ conversationId, senderIds: page.senderIds });
    return now !== undefined && now.state === page.state && JSON.stringify(now.senders) === page.senders;
  }

  // Catch-up after a reconnect: every message after the client's last seq, per conversation, in seq order.
  async sync(actor: Actor, input: SyncInput): Promise<{ conversationId: number; messages: MessageView[]; hasMore: boolean }[]> {
    const results = [];
    // One ack carries at most SYNC_MAX_MESSAGES in all; the rest is hasMore (the client syncs again from there).
    let budget = this.config.syncMaxMessages;
    for (const [key, lastSeq] of Object.entries(input.conversations)) {
      const conversationId = Number(key);
      await this.conversations.requireAccessibleOwner(actor, conversationId);
      const page = Math.min(SYNC_PAGE, budget);
      if (page === 0) {
        results.push({ conversationId, messages: [], hasMore: true });
        continue;
      }
      const rows = await this.messages.pageAfter(conversationId, lastSeq, page + 1, isAdmin(actor));
      const messages = rows.slice(0, page);
      budget -= messages.length;
      results.push({ conversationId, messages: messages.map(toMessageView), hasMore: rows.length > page });
    }
    return results;
  }
}
