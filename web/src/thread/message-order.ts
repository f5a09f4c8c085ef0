import type { MessageView } from '@contract/messages';
import { type Side, sideOfMessage } from './sides.js';

// The list is kept in seq order with one entry per id, whatever order pages, events and sync answers arrive in.
export function mergeMessages(current: MessageView[], incoming: MessageView[]): MessageView[] {
  if (incoming.length === 0) {
    return current;
  }
  const byId = new Map(current.map((message) => [message.id, message]));
  for (const message of incoming) {
    const known = byId.get(message.id);
    // isRead only ever turns true: an older copy (a page fetched before the receipt) must not undo it.
    byId.set(message.id, known ? { ...message, isRead: known.isRead || message.isRead } : message);
  }
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

// A reader on one side has read every message written by the other side.
export function markWrittenBy(messages: MessageView[], writers: Side): MessageView[] {
  if (!messages.some((message) => !message.isRead && sideOfMessage(message) === writers)) {
    return messages;
  }
  return messages.map((message) => (!message.isRead && sideOfMessage(message) === writers ? { ...message, isRead: true } : message));
}

export function lastSeqOf(messages: MessageView[]): number {
  return messages.at(-1)?.seq ?? 0;
}
