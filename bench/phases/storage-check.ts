import type { StoredCounts } from '../support/message-count.js';
import type { SendLedger } from './throughput.js';

export interface StorageCheck {
  sent: number;
  acked: number;
  rowsInDatabase: number;
  storedExactlyOnce: number;
  missingAfterOkAck: number;
  missingWithoutOkAck: number;
  storedMoreThanOnce: number;
  rowsNotSentByBench: number;
  conversationsWithSeqGaps: number;
  // Sends stored at a lower seq than an earlier send of the same user into the same conversation.
  reorderedSends: number;
  isExactlyOnce: boolean;
  // Per sender and conversation, messages are stored in the order they were sent (a failure, like a loss).
  isSendOrderKept: boolean;
}

// Every message the bench sent (warm-up included) against the rows in chat_message, by clientMessageId.
// `seededRows`: rows a phase wrote straight into the database (list-scaling), which are not unexpected.
export function checkStorage(ledger: SendLedger, stored: StoredCounts, seededRows = 0): StorageCheck {
  let acked = 0;
  let once = 0;
  let missingAcked = 0;
  let missingUnacked = 0;
  let more = 0;
  let matched = 0;
  let reordered = 0;
  const lastSeqOf = new Map<number, number>();
  for (let index = 0; index < ledger.total; index++) {
    const isAcked = ledger.isAcked(index);
    acked += isAcked ? 1 : 0;
    const id = ledger.ids.idOf(index);
    const copies = stored.copiesById.get(id) ?? 0;
    matched += copies;
    if (copies === 1) {
      once++;
    } else if (copies > 1) {
      more++;
    } else if (isAcked) {
      missingAcked++;
    } else {
      missingUnacked++;
    }
    // Indexes are in send order, and each conversation has one sender here.
    const place = stored.placeById.get(id);
    if (place) {
      const previous = lastSeqOf.get(place.conversationId);
      if (previous !== undefined && place.seq < previous) {
        reordered++;
      }
      lastSeqOf.set(place.conversationId, Math.max(previous ?? 0, place.seq));
    }
  }
  const rowsNotSentByBench = stored.rows - matched - seededRows;
  return {
    sent: ledger.total,
    acked,
    rowsInDatabase: stored.rows,
    storedExactlyOnce: once,
    missingAfterOkAck: missingAcked,
    missingWithoutOkAck: missingUnacked,
    storedMoreThanOnce: more,
    rowsNotSentByBench,
    conversationsWithSeqGaps: stored.conversationsWithSeqGaps,
    reorderedSends: reordered,
    // Every acknowledged message is there once, nothing is there twice, and seq has no holes. Rows the bench did not
    // send (a feature that writes its own messages) are reported, not held against it.
    isExactlyOnce: missingAcked === 0 && more === 0 && stored.conversationsWithSeqGaps === 0,
    isSendOrderKept: reordered === 0,
  };
}
