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
export type { CannedResponseView } from '../../../src/contract/canned-responses.js';
export type { RatingView } from '../../../src/contract/ratings.js';
export type { ReportOverviewView } from '../../../src/contract/reports.js';
export type { AgentViewingEvent } from '../../../src/realtime/events.js';

export type Role = MessageView['sender']['role'];
