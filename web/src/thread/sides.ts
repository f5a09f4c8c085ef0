import type { Role } from '@contract/common';
import type { MessageView } from '@contract/messages';

// A conversation has two sides: its user, and support (every admin). Read receipts and unread counts are per side.
export type Side = 'user' | 'support';

export function sideOfRole(role: Role): Side {
  return role === 'ADMIN' ? 'support' : 'user';
}

export function sideOfMessage(message: MessageView): Side {
  return sideOfRole(message.sender.role);
}

// messagesRead names a reader; the conversation's user is the only reader on the user side.
export function sideOfReader(readerId: number, conversationUserId: number): Side {
  return readerId === conversationUserId ? 'user' : 'support';
}

export function otherSide(side: Side): Side {
  return side === 'user' ? 'support' : 'user';
}
