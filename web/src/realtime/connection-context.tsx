import { createContext, type ReactNode, useContext, useEffect, useMemo, useState } from 'react';
import { type ChatSocket, openChatSocket } from '../api/chat-socket.js';
import type { SocketError } from '@contract/errors';
import { SESSION_EXPIRED_NOTICE, SESSION_REVOKED_NOTICE } from '../session/session-notices.js';

export type ConnectionStatus = 'connecting' | 'online' | 'reconnecting';

export interface ChatConnection {
  socket: ChatSocket;
  status: ConnectionStatus;
  // Moves on every connect (the first included: events sent before it never reached this page) and when the
  // server says events may have been missed; views catch up (sync, refetch) whenever it changes.
  catchUps: number;
}

const ConnectionContext = createContext<ChatConnection | undefined>(undefined);

function endNoticeOf(code: unknown): string | undefined {
  if (code === 'TOKEN_EXPIRED') {
    return SESSION_EXPIRED_NOTICE;
  }
  return code === 'UNAUTHORIZED' ? SESSION_REVOKED_NOTICE : undefined;
}

function codeOf(error: Error): unknown {
  const data: unknown = (error as Error & { data?: unknown }).data;
  return typeof data === 'object' && data !== null && 'code' in data ? data.code : undefined;
}

// One socket per signed-in session (the provider is keyed by the token).
export function ChatConnectionProvider({
  token,
  onSessionEnded,
  children,
}: {
  token: string;
  onSessionEnded(notice: string): void;
  children: ReactNode;
}) {
  // Not connected here: React may build and drop this state twice in development; the effect owns the connection.
  const [socket] = useState(() => openChatSocket(token));
  const [status, setStatus] = useState<ConnectionStatus>('connecting');
  const [catchUps, setCatchUps] = useState(0);

  useEffect(() => {
    let hasEnded = false;
    const endSession = (notice: string) => {
      hasEnded = true;
      onSessionEnded(notice);
    };
    const onConnect = () => {
      setStatus('online');
      setCatchUps((count) => count + 1);
    };
    const onDisconnect = (reason: string) => {
      setStatus('reconnecting');
      // The client does not retry after a server-side disconnect; unless the session ended, try again
      // (a revoked token then ends the session through connect_error).
      if (reason === 'io server disconnect' && !hasEnded) {
        socket.connect();
      }
    };
    const onConnectError = (error: Error) => {
      const notice = endNoticeOf(codeOf(error));
      if (notice) {
        endSession(notice);
        return;
      }
      setStatus('reconnecting');
    };
    const onServerError = (error: SocketError) => {
      const notice = endNoticeOf(error.code);
      if (notice) {
        endSession(notice);
      }
    };
    // This server instance is going away: reconnect now (to another one); the connect catches up.
    const onServerDraining = () => {
      socket.disconnect();
      socket.connect();
    };
    const onSyncRequired = () => setCatchUps((count) => count + 1);
    socket.on('connect', onConnect);
    socket.on('disconnect', onDisconnect);
    socket.on('connect_error', onConnectError);
    socket.on('error', onServerError);
    socket.on('serverDraining', onServerDraining);
    socket.on('syncRequired', onSyncRequired);
    socket.connect();
    return () => {
      socket.off('connect', onConnect);
      socket.off('disconnect', onDisconnect);
      socket.off('connect_error', onConnectError);
      socket.off('error', onServerError);
      socket.off('serverDraining', onServerDraining);
      socket.off('syncRequired', onSyncRequired);
      socket.disconnect();
    };
  }, [socket, onSessionEnded]);

  const value = useMemo(() => ({ socket, status, catchUps }), [socket, status, catchUps]);
  return <ConnectionContext.Provider value={value}>{children}</ConnectionContext.Provider>;
}

export function useChatConnection(): ChatConnection {
  const value = useContext(ConnectionContext);
  if (!value) {
    throw new Error('useChatConnection outside ChatConnectionProvider');
  }
  return value;
}
