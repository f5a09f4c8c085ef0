import { createContext, type ReactNode, useContext, useEffect, useMemo, useState } from 'react';
import { type ChatSocket, openChatSocket } from '../api/chat-socket.js';
import type { SocketError } from '@contract/errors';
import { SESSION_REVOKED_NOTICE } from '../session/session-notices.js';

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
  return code === 'UNAUTHORIZED' ? SESSION_REVOKED_NOTICE : undefined;
}

// The access token is spent, not necessarily the session: refresh and reconnect.
const isTokenSpent = (code: unknown) => code === 'TOKEN_EXPIRED' || code === 'TOKEN_REVOKED';
// A token that is refused again right after a refresh means the session itself is gone.
const MAX_RENEWALS_PER_MINUTE = 5;

function codeOf(error: Error): unknown {
  const data: unknown = (error as Error & { data?: unknown }).data;
  return typeof data === 'object' && data !== null && 'code' in data ? data.code : undefined;
}

// One socket per signed-in account (the provider is keyed by the user); it reconnects with each refreshed token.
export function ChatConnectionProvider({
  token,
  renewToken,
  onSessionEnded,
  children,
}: {
  token(): string | undefined;
  renewToken(reason: string): Promise<string | undefined>;
  onSessionEnded(notice: string): void;
  children: ReactNode;
}) {
  // Not connected here: React may build and drop this state twice in development; the effect owns the connection.
  const [socket] = useState(() => openChatSocket(token));
  const [status, setStatus] = useState<ConnectionStatus>('connecting');
  const [catchUps, setCatchUps] = useState(0);

  useEffect(() => {
    let hasEnded = false;
    let isRenewing = false;
    let renewals: number[] = [];
    const endSession = (notice: string) => {
      hasEnded = true;
      onSessionEnded(notice);
    };
    // Expired or revoked token (a refresh elsewhere, a role change): a new access token, then connect again.
    const renew = (reason: string) => {
      if (isRenewing || hasEnded) {
        return;
      }
      renewals = [...renewals.filter((at) => Date.now() - at < 60_000), Date.now()];
      if (renewals.length > MAX_RENEWALS_PER_MINUTE) {
        endSession(SESSION_REVOKED_NOTICE);
        return;
      }
      isRenewing = true;
      setStatus('reconnecting');
      void renewToken(reason).then((fresh) => {
        isRenewing = false;
        if (fresh && !hasEnded) {
          socket.disconnect();
          socket.connect();
        }
      });
    };
    const onConnect = () => {
      setStatus('online');
      setCatchUps((count) => count + 1);
    };
    const onDisconnect = (reason: string) => {
      setStatus('reconnecting');
      // The client does not retry after a server-side disconnect; unless the session ended, try again
      // (a revoked token then ends the session through connect_error).
      if (reason === 'io server disconnect' && !hasEnded && !isRenewing) {
        socket.connect();
      }
    };
    const onConnectError = (error: Error) => {
      const code = codeOf(error);
      if (isTokenSpent(code)) {
        renew(String(code));
        return;
      }
      const notice = endNoticeOf(codeOf(error));
      if (notice) {
        endSession(notice);
        return;
      }
      setStatus('reconnecting');
    };
    const onServerError = (error: SocketError) => {
      if (isTokenSpent(error.code)) {
        renew(error.code);
        return;
      }
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
  }, [socket, onSessionEnded, renewToken]);

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
