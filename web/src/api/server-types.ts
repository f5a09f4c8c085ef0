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

export type { SearchResultView, SnippetPart } from '../../../src/search/search.views.js';
export type { PublicOptions } from '../../../src/auth/auth.views.js';
export type { EmailSettingsView } from '../../../src/contract/email.js';

export type Role = MessageView['sender']['role'];
