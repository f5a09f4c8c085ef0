import type { ApiClient, Page } from '../api/api-client.js';
import type { MessageView } from '@contract/messages';
import { lastSeqOf, mergeMessages } from './message-order.js';

// More newer messages than this after a hit: the rest is not loaded (catch-up by seq after a reconnect still is).
const MAX_NEWER_PAGES = 10;

// The page around a message plus everything newer, so the thread has no gap between the hit and the live end
// (live messages keep arriving at the bottom). `next` stays the path to older messages.
export async function loadAround(api: ApiClient, conversationId: number, messageId: number): Promise<Page<MessageView>> {
  const around = await api.messagesAround(conversationId, messageId);
  let messages = around.items;
  let newerPath: string | undefined;
  for (let round = 0; round < MAX_NEWER_PAGES; round++) {
    const newer = await api.messagesAfter(conversationId, lastSeqOf(messages), newerPath);
    messages = mergeMessages(messages, newer.items);
    newerPath = newer.next;
    if (!newerPath) {
      break;
    }
  }
  return { items: messages, next: around.next };
}
