import type { ConversationListItem, ConversationView } from '@contract/conversations';
import type { MessageView } from '@contract/messages';
import { sideOfMessage, type Side } from '../thread/sides.js';
import { isFresher, laterOf } from './freshness.js';

export interface StoreApi {
  conversation(id: number): Promise<ConversationListItem>;
  unreadCount(): Promise<{ conversations: { conversationId: number; count: number }[] }>;
}

type Listener = () => void;
// A conversation that a socket event touched (changed, or seen for the first time), once the store has it.
type ArrivalListener = (conversationId: number) => void;

// Two copies of one conversation: the fresher state, with the later of their last messages.
export function mergeCopies(a: ConversationListItem, b: ConversationListItem): ConversationListItem {
  const fresher = isFresher(b, a) ? b : a;
  const latest = (b.lastMessage?.seq ?? 0) >= (a.lastMessage?.seq ?? 0) ? b : a;
  return { ...fresher, lastMessage: latest.lastMessage, lastMessageAt: latest.lastMessageAt, lastSeq: Math.max(a.lastSeq, b.lastSeq) };
}

function withMessage(item: ConversationListItem, message: MessageView): ConversationListItem {
  if (item.lastMessage && item.lastMessage.seq >= message.seq) {
    return item;
  }
  return {
    ...item,
    lastMessage: message,
    lastMessageAt: laterOf(message.createdAt, item.lastMessageAt),
    lastSeq: Math.max(item.lastSeq, message.seq),
    updatedAt: laterOf(message.createdAt, item.updatedAt),
  };
}

// The one store of conversations for a signed-in tab: every copy, fetched or pushed, is merged here (the later
// state wins whatever order they land in), and each conversation's unread count is kept here. Socket events
// reach it through one subscription (ConversationsProvider); the inbox list, the unread counts and the user's
// own conversation are views of it.
export class ConversationsStore {
  private readonly items = new Map<number, ConversationListItem>();
  private unread?: Map<number, number>;
  private isUnreadWanted = false;
  // A message can arrive twice (a retried send is delivered again); count it once.
  private readonly counted = new Set<number>();
  private reading?: number;
  private version = 0;
  private readonly listeners = new Set<Listener>();
  private readonly arrivalListeners = new Set<ArrivalListener>();
  private readonly fetching = new Set<number>();
  // One count request at a time. An answer may predate a message that arrived live while it was on its way (the
  // server counted before that message was stored): such an answer is followed by one more request.
  private isCounting = false;
  private isCountStale = false;

  constructor(
    private readonly api: StoreApi,
    // Whose unread messages count: a user counts support's, admins count the users'.
    private readonly countedSide: Side,
  ) {}

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => this.version;

  onArrival(listener: ArrivalListener): () => void {
    this.arrivalListeners.add(listener);
    return () => this.arrivalListeners.delete(listener);
  }

  get(id: number): ConversationListItem | undefined {
    return this.items.get(id);
  }

  all(): ConversationListItem[] {
    return [...this.items.values()];
  }

  unreadOf(conversationId: number): number | undefined {
    return this.unread ? (this.unread.get(conversationId) ?? 0) : undefined;
  }

  totalUnread(): number {
    let total = 0;
    this.unread?.forEach((count) => (total += count));
    return total;
  }

  // Fetched copies (a list page, one conversation).
  offer(items: ConversationListItem[]): void {
    for (const item of items) {
      const known = this.items.get(item.id);
      this.items.set(item.id, known ? mergeCopies(known, item) : item);
    }
    this.changed();
  }

  // The conversation open and visible on screen: its messages are read as they arrive, so they do not count.
  setReading(conversationId: number | undefined): void {
    this.reading = conversationId;
  }

  // Unread counts are fetched once somebody shows them, and again after every catch-up or read receipt.
  wantUnread(): void {
    if (!this.isUnreadWanted) {
      this.isUnreadWanted = true;
      this.refreshUnread();
    }
  }

  markRead(conversationId: number): void {
    if (this.unread) {
      this.unread = new Map(this.unread).set(conversationId, 0);
      this.changed();
    }
  }

  // Socket events, from ConversationsProvider.
  applyMessage(message: MessageView): void {
    const isFromOtherSide = sideOfMessage(message) !== this.countedSide;
    if (this.isCounting && isFromOtherSide) {
      this.isCountStale = true;
    }
    if (this.unread && isFromOtherSide && !message.isRead && message.conversationId !== this.reading && !this.counted.has(message.id)) {
      this.counted.add(message.id);
      this.unread = new Map(this.unread).set(message.conversationId, (this.unread.get(message.conversationId) ?? 0) + 1);
    }
    this.touch(message.conversationId, (item) => withMessage(item, message));
  }

  applyConversation(conversation: ConversationView): void {
    this.touch(conversation.id, (item) => mergeCopies(item, { ...item, ...conversation }));
  }

  applyReadReceipt(): void {
    this.refreshUnread();
  }

  // After a reconnect: counts are asked again (list views refetch their own pages).
  caughtUp(): void {
    this.refreshUnread();
  }

  private touch(conversationId: number, change: (item: ConversationListItem) => ConversationListItem): void {
    const known = this.items.get(conversationId);
    if (known) {
      this.items.set(conversationId, change(known));
      this.changed();
      this.arrived(conversationId);
      return;
    }
    // Not known yet: fetched whole (with its unread count and last message), then announced.
    if (this.fetching.has(conversationId)) {
      return;
    }
    this.fetching.add(conversationId);
    this.api.conversation(conversationId).then(
      (item) => {
        this.fetching.delete(conversationId);
        this.offer([item]);
        this.arrived(conversationId);
      },
      () => this.fetching.delete(conversationId),
    );
  }

  private refreshUnread(): void {
    if (!this.isUnreadWanted) {
      return;
    }
    if (this.isCounting) {
      this.isCountStale = true;
      return;
    }
    this.isCounting = true;
    this.isCountStale = false;
    this.api
      .unreadCount()
      .then(
        (view) => {
          this.counted.clear();
          this.unread = new Map(view.conversations.map((item) => [item.conversationId, item.count]));
          this.changed();
        },
        () => undefined,
      )
      .finally(() => {
        this.isCounting = false;
        if (this.isCountStale) {
          this.refreshUnread();
        }
      });
  }

  private arrived(conversationId: number): void {
    for (const listener of this.arrivalListeners) {
      listener(conversationId);
    }
  }

  private changed(): void {
    this.version += 1;
    for (const listener of this.listeners) {
      listener();
    }
  }
}
