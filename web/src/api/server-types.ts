// The server's own contract, imported type-only: nothing here is re-typed by hand.
import type { MessageView } from '../../../src/realtime/events.js';

export type {
  AckResult,
  ClientToServerEvents,
  ConversationView,
  MessageView,
  ReadReceiptView,
  ServerToClientEvents,
  SocketError,
  TypingView,
  UserView,
} from '../../../src/realtime/events.js';
export type { ConversationListItem, UnreadCountView } from '../../../src/conversations/conversation.views.js';
export type { SessionView } from '../../../src/auth/auth.schemas.js';
export type { ErrorCode, HttpErrorBody, ValidationIssue } from '../../../src/common/errors.js';
export type { AttachmentView } from '../../../src/attachments/attachment.views.js';

// Typed here by hand: the server declares these next to decorated classes (search.service.ts, auth.service.ts),
// which this project's compiler settings cannot read. Keep in step with those files.
export interface SnippetPart {
  text: string;
  highlight: boolean;
}

export interface SearchResultView {
  message: MessageView;
  conversation: { id: number; userId: number; status: string; user: { id: number; name: string; email: string } };
  snippet: SnippetPart[];
}

export interface PublicOptions {
  registration: boolean;
  maxMessageLength: number;
  maxAttachmentBytes: number;
  maxAttachmentsPerMessage: number;
}

export type Role = MessageView['sender']['role'];
