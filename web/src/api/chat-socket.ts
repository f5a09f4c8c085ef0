import { io, type Socket } from 'socket.io-client';
import type { SocketError } from '@contract/errors';
import type { MessageView } from '@contract/messages';
import type { ClientToServerEvents, ServerToClientEvents } from '@contract/realtime';

export type ChatSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type AckEvent = 'sendMessage' | 'markAsRead' | 'typing' | 'sync' | 'viewing';
type PayloadOf<E extends AckEvent> = Parameters<ClientToServerEvents[E]>[0];
type AckOf<E extends AckEvent> = ClientToServerEvents[E] extends (payload: never, ack?: (result: infer R) => void) => void ? R : never;
export type SendPayload = PayloadOf<'sendMessage'> & { clientMessageId: string };

export const ACK_TIMEOUT_MS = 5_000;
const SEND_ATTEMPTS = 3;
// A reconnect that missed more than this many pages falls back to reloading the conversation.
const MAX_SYNC_ROUNDS = 20;

// Same origin (the server serves the app, or Vite proxies /socket.io in development).
// The token is read at every (re)connect: after a silent refresh the same socket reconnects with the new one.
export function openChatSocket(token: () => string | undefined): ChatSocket {
  return io('/chat', { auth: (send) => send({ token: token() }), transports: ['websocket'], autoConnect: false });
}

export class SendRejectedError extends Error {
  override readonly name = 'SendRejectedError';

  constructor(readonly error: SocketError) {
    super(error.message);
  }
}

export class NoAckError extends Error {
  override readonly name = 'NoAckError';

  constructor() {
    super('No answer from the server');
  }
}

// socket.io-client types an ack only when the event declares it required; the server declares it optional
// (clients may omit it), so the answer type is taken from the server's declaration here.
export function emitWithAck<E extends AckEvent>(socket: ChatSocket, event: E, payload: PayloadOf<E>): Promise<AckOf<E>> {
  const timed = socket.timeout(ACK_TIMEOUT_MS);
  const emit = timed.emitWithAck.bind(timed) as (event: E, payload: PayloadOf<E>) => Promise<AckOf<E>>;
  return emit(event, payload);
}

// Every attempt carries the same clientMessageId, so a send whose ack was lost is stored once: the server
// answers a repeat with the first message.
export async function sendWithRetry(socket: ChatSocket, payload: SendPayload): Promise<MessageView> {
  for (let attempt = 1; attempt <= SEND_ATTEMPTS; attempt++) {
    let result;
    try {
      result = await emitWithAck(socket, 'sendMessage', payload);
    } catch {
      continue;
    }
    if (result.ok) {
      return result.message;
    }
    throw new SendRejectedError(result.error);
  }
  throw new NoAckError();
}

// Everything after `lastSeq` for each conversation, following `hasMore` until caught up.
export async function syncConversations(socket: ChatSocket, lastSeqs: Map<number, number>): Promise<Map<number, MessageView[]>> {
  const found = new Map<number, MessageView[]>();
  let pending = new Map(lastSeqs);
  for (let round = 0; round < MAX_SYNC_ROUNDS && pending.size > 0; round++) {
    const result = await emitWithAck(socket, 'sync', { conversations: Object.fromEntries(pending) });
    if (!result.ok) {
      throw new SendRejectedError(result.error);
    }
    const next = new Map<number, number>();
    for (const synced of result.conversations) {
      found.set(synced.conversationId, [...(found.get(synced.conversationId) ?? []), ...synced.messages]);
      const last = synced.messages.at(-1);
      if (synced.hasMore && last) {
        next.set(synced.conversationId, last.seq);
      }
    }
    pending = next;
  }
  return found;
}
