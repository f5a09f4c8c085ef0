import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { emitWithAck, SendRejectedError, sendWithRetry, syncConversations } from '../api/chat-socket.js';
import { newClientMessageId } from '../api/client-message-id.js';
import type { Role } from '@contract/common';
import type { AttachmentView, MessageView } from '@contract/messages';
import { useChatConnection } from '../realtime/connection-context.js';
import { useSocketEvent } from '../realtime/use-socket-event.js';
import { useSignedIn } from '../session/session-context.js';
import { loadAround } from './load-around.js';
import { lastSeqOf } from './message-order.js';
import { otherSide, type Side, sideOfMessage, sideOfReader, sideOfRole } from './sides.js';
import { initialThreadState, type OutgoingMessage, threadReducer, visibleOutgoing } from './thread-state.js';
import { usePageVisible } from './use-page-visible.js';

export interface ThreadOptions {
  // Undefined until the conversation exists: the first message creates it.
  conversationId?: number;
  // Load the page around this message (a search hit) instead of the newest one, and scroll to it.
  focusMessageId?: number;
  // The conversation's user (read receipts name a reader; this tells which side read).
  conversationUserId?: number;
  // Admins starting a conversation: whom to write to.
  draftUserId?: number;
  viewer: { id: number; role: Role };
  onConversationStarted?(conversationId: number): void;
  onMarkedRead?(conversationId: number): void;
}

export interface Thread {
  conversationId?: number;
  focusMessageId?: number;
  messages: MessageView[];
  outgoing: OutgoingMessage[];
  load: 'idle' | 'loading' | 'ready' | 'error';
  hasOlder: boolean;
  isLoadingOlder: boolean;
  viewerSide: Side;
  loadOlder(): void;
  send(content: string, attachments: AttachmentView[], isPrivate?: boolean): void;
  retry(clientMessageId: string): void;
  discard(clientMessageId: string): void;
  reload(): void;
}

function payloadOf(item: OutgoingMessage) {
  const target =
    item.conversationId !== undefined ? { conversationId: item.conversationId } : item.userId !== undefined ? { userId: item.userId } : {};
  const attachmentIds = item.attachments.length > 0 ? { attachmentIds: item.attachments.map((attachment) => attachment.id) } : {};
  const note = item.isPrivate ? { isPrivate: true } : {};
  return { ...target, content: item.content, clientMessageId: item.clientMessageId, ...attachmentIds, ...note };
}

// One conversation's messages: history pages, live events, catch-up after (re)connects, sends and read receipts.
export function useThread(options: ThreadOptions): Thread {
  const { conversationId, focusMessageId, conversationUserId, draftUserId, viewer, onConversationStarted, onMarkedRead } = options;
  const { api } = useSignedIn();
  const { socket, catchUps } = useChatConnection();
  const [state, dispatch] = useReducer(threadReducer, initialThreadState);
  const [loadCount, setLoadCount] = useState(0);
  const stateRef = useRef(state);
  useEffect(() => {
    stateRef.current = state;
  });
  const viewerSide = sideOfRole(viewer.role);
  const isVisible = usePageVisible();

  useEffect(() => {
    dispatch({ type: 'opened', conversationId, draftUserId });
    if (conversationId === undefined) {
      return;
    }
    let isCurrent = true;
    const firstPage = focusMessageId === undefined ? api.messages(conversationId) : loadAround(api, conversationId, focusMessageId);
    firstPage.then(
      (page) =>
        isCurrent &&
        dispatch({ type: 'loaded', conversationId, messages: page.items, olderPath: page.next, fromAnchor: focusMessageId !== undefined }),
      () => isCurrent && dispatch({ type: 'loadFailed', conversationId }),
    );
    return () => {
      isCurrent = false;
    };
  }, [api, conversationId, focusMessageId, draftUserId, loadCount]);

  // The first message created the conversation: let the page know its id.
  const startedId = state.conversationId;
  useEffect(() => {
    if (conversationId === undefined && startedId !== undefined) {
      onConversationStarted?.(startedId);
    }
  }, [conversationId, startedId, onConversationStarted]);

  const deliver = useCallback(
    (item: OutgoingMessage) => {
      dispatch({ type: 'sending', clientMessageId: item.clientMessageId });
      sendWithRetry(socket, payloadOf(item)).then(
        (message) => dispatch({ type: 'received', messages: [message] }),
        (error: unknown) =>
          dispatch({
            type: 'failed',
            clientMessageId: item.clientMessageId,
            failure: error instanceof SendRejectedError ? error.message : 'No connection to the server',
            isRetriable: !(error instanceof SendRejectedError),
          }),
      );
    },
    [socket],
  );

  useSocketEvent('newMessage', (message) => dispatch({ type: 'received', messages: [message] }));
  useSocketEvent('messagesRead', (receipt) => {
    const current = stateRef.current.conversationId;
    const userId = conversationUserId ?? draftUserId;
    if (receipt.conversationId === current && userId !== undefined) {
      dispatch({ type: 'read', conversationId: current, writers: otherSide(sideOfReader(receipt.readerId, userId)) });
    }
  });

  // Back online: ask for what was missed (by seq), and send again what could not be sent.
  useEffect(() => {
    if (catchUps === 0) {
      return;
    }
    const current = stateRef.current;
    if (current.conversationId !== undefined && current.load === 'ready') {
      const id = current.conversationId;
      syncConversations(socket, new Map([[id, lastSeqOf(current.messages)]])).then(
        (found) => dispatch({ type: 'received', messages: found.get(id) ?? [] }),
        () => setLoadCount((count) => count + 1),
      );
    } else if (current.conversationId !== undefined) {
      setLoadCount((count) => count + 1);
    }
    current.outgoing.filter((item) => item.state === 'failed' && item.isRetriable).forEach(deliver);
  }, [catchUps, socket, deliver]);

  const hasUnread = state.messages.some((message) => !message.isRead && sideOfMessage(message) !== viewerSide);
  const isReady = state.load === 'ready';
  useEffect(() => {
    const id = state.conversationId;
    if (id === undefined || !isReady || !hasUnread || !isVisible) {
      return;
    }
    const markedRead = () => {
      dispatch({ type: 'read', conversationId: id, writers: otherSide(viewerSide) });
      onMarkedRead?.(id);
    };
    const viaRest = () => api.markRead(id).then(markedRead, () => undefined);
    if (!socket.connected) {
      void viaRest();
      return;
    }
    emitWithAck(socket, 'markAsRead', { conversationId: id }).then((result) => (result.ok ? markedRead() : undefined), viaRest);
  }, [api, socket, state.conversationId, isReady, hasUnread, isVisible, viewerSide, onMarkedRead, catchUps]);

  const olderPath = state.olderPath;
  const loadOlder = useCallback(() => {
    const current = stateRef.current;
    const id = current.conversationId;
    if (id === undefined || !current.olderPath || current.isLoadingOlder) {
      return;
    }
    dispatch({ type: 'olderRequested' });
    api.messages(id, current.olderPath).then(
      (page) => dispatch({ type: 'olderLoaded', conversationId: id, messages: page.items, olderPath: page.next }),
      () => dispatch({ type: 'olderFailed' }),
    );
  }, [api]);

  const send = useCallback(
    (content: string, attachments: AttachmentView[], isPrivate = false) => {
      const current = stateRef.current;
      const item: OutgoingMessage = {
        clientMessageId: newClientMessageId(),
        content: content.trim(),
        attachments,
        conversationId: current.conversationId,
        userId: current.conversationId === undefined ? current.draftUserId : undefined,
        state: 'sending',
        isRetriable: false,
        isPrivate,
      };
      dispatch({ type: 'queued', message: item });
      deliver(item);
    },
    [deliver],
  );

  const retry = useCallback(
    (clientMessageId: string) => {
      const item = stateRef.current.outgoing.find((candidate) => candidate.clientMessageId === clientMessageId);
      if (item) {
        deliver(item);
      }
    },
    [deliver],
  );

  const discard = useCallback((clientMessageId: string) => dispatch({ type: 'discarded', clientMessageId }), []);
  const reload = useCallback(() => setLoadCount((count) => count + 1), []);

  return {
    conversationId: state.conversationId,
    focusMessageId,
    messages: state.messages,
    outgoing: visibleOutgoing(state),
    load: state.load,
    hasOlder: olderPath !== undefined,
    isLoadingOlder: state.isLoadingOlder,
    viewerSide,
    loadOlder,
    send,
    retry,
    discard,
    reload,
  };
}
