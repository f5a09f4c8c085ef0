import type { ConversationView } from '@contract/conversations';

// Copies of one conversation arrive by fetch and by socket events, in any order; the server moves
// updatedAt on every change (message, close, reopen), so the later updatedAt is the later state.
export function isFresher(candidate: ConversationView, current: ConversationView): boolean {
  return Date.parse(candidate.updatedAt) >= Date.parse(current.updatedAt);
}

export function laterOf(isoA: string, isoB: string): string {
  return Date.parse(isoA) >= Date.parse(isoB) ? isoA : isoB;
}
