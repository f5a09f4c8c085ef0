import type { AttachmentView, MessageView } from '@contract/messages';
import { lastSeqOf, markWrittenBy, mergeMessages } from './message-order.js';
import type { Side } from './sides.js';

// A message typed here that the server has not confirmed yet. It stays until confirmed or discarded.
export interface OutgoingMessage {
  clientMessageId: string;
  content: string;
  // Uploaded already; a retry sends the same ids.
  attachments: AttachmentView[];
  // Undefined: the first message, which starts the conversation (for an admin: with userId).
  conversationId?: number;
  userId?: number;
  state: 'sending' | 'failed';
  failure?: string;
  // A private note (admins only).
  isPrivate?: boolean;
  // Failed for want of a connection (not refused by the server): sent again by itself after a reconnect.
  isRetriable: boolean;
}

export interface ThreadState {
  conversationId?: number;
  // Who a conversation without an id yet would be started with (admins); undefined for users.
  draftUserId?: number;
  messages: MessageView[];
  load: 'idle' | 'loading' | 'ready' | 'error';
  olderPath?: string;
  isLoadingOlder: boolean;
  outgoing: OutgoingMessage[];
}

export type ThreadAction =
  | { type: 'opened'; conversationId?: number; draftUserId?: number }
  // fromAnchor: a page around a search hit through to the newest message, replacing what was there.
  | { type: 'loaded'; conversationId: number; messages: MessageView[]; olderPath?: string; fromAnchor?: boolean }
  | { type: 'loadFailed'; conversationId: number }
  | { type: 'olderRequested' }
  | { type: 'olderLoaded'; conversationId: number; messages: MessageView[]; olderPath?: string }
  | { type: 'olderFailed' }
  | { type: 'received'; messages: MessageView[] }
  | { type: 'read'; conversationId: number; writers: Side }
  | { type: 'queued'; message: OutgoingMessage }
  | { type: 'sending'; clientMessageId: string }
  | { type: 'failed'; clientMessageId: string; failure: string; isRetriable: boolean }
  | { type: 'discarded'; clientMessageId: string };

export const initialThreadState: ThreadState = { messages: [], load: 'idle', isLoadingOlder: false, outgoing: [] };

function updateOutgoing(state: ThreadState, clientMessageId: string, change: Partial<OutgoingMessage>): ThreadState {
  return { ...state, outgoing: state.outgoing.map((item) => (item.clientMessageId === clientMessageId ? { ...item, ...change } : item)) };
}

// Confirmed messages (acks, live events, sync answers) replace their outgoing copy. The first message of a
// new conversation also tells the thread its id.
function receive(state: ThreadState, messages: MessageView[]): ThreadState {
  let conversationId = state.conversationId;
  const confirmed = new Set<string>();
  for (const message of messages) {
    const outgoing = message.clientMessageId ? state.outgoing.find((item) => item.clientMessageId === message.clientMessageId) : undefined;
    if (!outgoing) {
      continue;
    }
    confirmed.add(outgoing.clientMessageId);
    if (conversationId === undefined && outgoing.conversationId === undefined) {
      conversationId = message.conversationId;
    }
  }
  const mine = messages.filter((message) => message.conversationId === conversationId);
  if (confirmed.size === 0 && mine.length === 0) {
    return state;
  }
  return {
    ...state,
    conversationId,
    load: state.conversationId === undefined && conversationId !== undefined ? 'ready' : state.load,
    messages: mergeMessages(state.messages, mine),
    outgoing: state.outgoing.filter((item) => !confirmed.has(item.clientMessageId)),
  };
}

// What a loaded page joins: everything, or for a jump to a search hit only what arrived live after the page
// (keeping older messages would leave a gap between them and the hit's page).
function loadedBase(state: ThreadState, action: { messages: MessageView[]; fromAnchor?: boolean }): MessageView[] {
  if (!action.fromAnchor) {
    return state.messages;
  }
  const lastSeq = lastSeqOf(action.messages);
  return state.messages.filter((message) => message.seq > lastSeq);
}

export function threadReducer(state: ThreadState, action: ThreadAction): ThreadState {
  switch (action.type) {
    case 'opened': {
      // Keeping the messages when the thread already adopted this id (its first message just created it).
      const isSame = action.conversationId !== undefined && action.conversationId === state.conversationId;
      return {
        ...state,
        conversationId: action.conversationId,
        draftUserId: action.draftUserId,
        messages: isSame ? state.messages : [],
        load: action.conversationId === undefined ? 'ready' : 'loading',
        olderPath: isSame ? state.olderPath : undefined,
        isLoadingOlder: false,
      };
    }
    case 'loaded':
      if (action.conversationId !== state.conversationId) {
        return state;
      }
      return { ...state, load: 'ready', messages: mergeMessages(loadedBase(state, action), action.messages), olderPath: action.olderPath };
    case 'loadFailed':
      return action.conversationId === state.conversationId ? { ...state, load: 'error' } : state;
    case 'olderRequested':
      return { ...state, isLoadingOlder: true };
    case 'olderLoaded':
      if (action.conversationId !== state.conversationId) {
        return state;
      }
      return { ...state, isLoadingOlder: false, messages: mergeMessages(state.messages, action.messages), olderPath: action.olderPath };
    case 'olderFailed':
      return { ...state, isLoadingOlder: false };
    case 'received':
      return receive(state, action.messages);
    case 'read':
      return action.conversationId === state.conversationId ? { ...state, messages: markWrittenBy(state.messages, action.writers) } : state;
    case 'queued':
      return { ...state, outgoing: [...state.outgoing, action.message] };
    case 'sending':
      return updateOutgoing(state, action.clientMessageId, { state: 'sending', failure: undefined, isRetriable: false });
    case 'failed':
      return updateOutgoing(state, action.clientMessageId, { state: 'failed', failure: action.failure, isRetriable: action.isRetriable });
    case 'discarded':
      return { ...state, outgoing: state.outgoing.filter((item) => item.clientMessageId !== action.clientMessageId) };
    default: {
      const unknownAction: never = action;
      return unknownAction;
    }
  }
}

// The outgoing messages that belong in the conversation on screen.
export function visibleOutgoing(state: ThreadState): OutgoingMessage[] {
  return state.outgoing.filter(
    (item) => item.conversationId === state.conversationId && (state.conversationId !== undefined || item.userId === state.draftUserId),
  );
}
