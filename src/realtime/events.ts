import type { SocketError } from '../common/errors.js';
import type { ConversationView, MessageView, ReadReceiptView } from '../conversations/conversation.views.js';
import type { UserView } from '../users/users.schemas.js';

export type { ConversationView, MessageView, ReadReceiptView, SocketError, UserView };

export interface TypingView {
  conversationId: number;
  userId: number;
  name: string;
  role: UserView['role'];
  isTyping: boolean;
  // An admin typing a private note: sent to admins only.
  isPrivate: boolean;
}

export interface PresenceEvent {
  userId: number;
  role: UserView['role'];
  online: boolean;
}

export interface AssignedEvent {
  conversation: ConversationView;
  // null: the server assigned it (auto-assignment).
  assignedBy: { id: number; name: string } | null;
  url: string;
}

export interface MentionedEvent {
  conversationId: number;
  messageId: number;
  message: MessageView;
  mentionedBy: { id: number; name: string };
  url: string;
}

export interface AgentViewingEvent {
  conversationId: number;
  userId: number;
  name: string;
  isViewing: boolean;
}

// Every event the server emits on /chat, with its payload: the public contract (the seed's names).
export interface ServerToClientEvents {
  newMessage: (message: MessageView) => void;
  messagesRead: (receipt: ReadReceiptView) => void;
  userTyping: (typing: TypingView) => void;
  conversationUpdated: (conversation: ConversationView) => void;
  presence: (presence: PresenceEvent) => void;
  // To an admin someone else assigned a conversation to.
  assigned: (event: AssignedEvent) => void;
  // To an admin named with @name in a private note.
  mentioned: (event: MentionedEvent) => void;
  // To the other admins: an admin opened or left a conversation (collision).
  agentViewing: (event: AgentViewingEvent) => void;
  // Sent to this instance's sockets before it shuts down: reconnect (to another instance) and sync.
  serverDraining: (notice: { reconnect: true }) => void;
  // This instance lost and regained its link to the other instances (Redis): sync to catch up.
  syncRequired: (notice: { reason: string }) => void;
  authenticated: (session: { user: Pick<UserView, 'id' | 'email' | 'name' | 'role'> }) => void;
  error: (error: SocketError) => void;
}

export type Ack<T> = { ok: true } & T;
export type AckResult<T> = Ack<T> | { ok: false; error: SocketError };

// Client → server events; payloads are validated by the schemas in chat.schemas.ts, these are their shapes.
export interface ClientToServerEvents {
  authenticate: (
    payload: { token: string },
    ack?: (result: AckResult<{ user: UserView | Pick<UserView, 'id' | 'email' | 'name' | 'role'> }>) => void,
  ) => void;
  sendMessage: (
    payload: {
      conversationId?: number;
      content: string;
      userId?: number;
      clientMessageId?: string;
      attachmentIds?: string[];
      isPrivate?: boolean;
    },
    ack?: (result: AckResult<{ message: MessageView }>) => void,
  ) => void;
  markAsRead: (payload: { conversationId: number }, ack?: (result: AckResult<ReadReceiptView>) => void) => void;
  typing: (payload: { conversationId: number; isTyping: boolean; isPrivate?: boolean }, ack?: (result: AckResult<object>) => void) => void;
  viewing: (
    payload: { conversationId: number; isViewing: boolean },
    ack?: (result: AckResult<{ viewers: { userId: number; name: string }[] }>) => void,
  ) => void;
  sync: (
    payload: { conversations: Record<string, number> },
    ack?: (result: AckResult<{ conversations: { conversationId: number; messages: MessageView[]; hasMore: boolean }[] }>) => void,
  ) => void;
}
