import { io, type Socket } from 'socket.io-client';

export type ClientSocket = Socket;

// A connected /chat socket; rejects with the server's connect_error (e.g. UNAUTHORIZED).
export function connect(
  baseUrl: string,
  options: { token?: string; headers?: Record<string, string>; transports?: string[] } = {},
): Promise<ClientSocket> {
  const socket = io(`${baseUrl}/chat`, {
    auth: options.token ? { token: options.token } : {},
    transports: (options.transports ?? ['websocket']) as never,
    extraHeaders: options.headers,
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('connect timed out'));
    }, 5_000);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      socket.close();
      reject(error);
    });
  });
}

export function connectAs(baseUrl: string, account: { token: string }): Promise<ClientSocket> {
  return connect(baseUrl, { token: account.token });
}

// The next `event` (matching `filter`), or a rejection after timeoutMs.
export function nextEvent<T = any>(
  socket: ClientSocket,
  event: string,
  options: { timeoutMs?: number; filter?: (payload: T) => boolean } = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 3_000;
  return new Promise((resolve, reject) => {
    const handler = (payload: T) => {
      if (options.filter && !options.filter(payload)) {
        return;
      }
      clearTimeout(timer);
      socket.off(event, handler);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      socket.off(event, handler);
      reject(new Error(`no "${event}" within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on(event, handler);
  });
}

// Resolves with every `event` seen within `ms`; the caller asserts the list is empty (or not).
export function collectEvents<T = any>(socket: ClientSocket, event: string, ms: number): Promise<T[]> {
  const seen: T[] = [];
  const handler = (payload: T) => seen.push(payload);
  socket.on(event, handler);
  return new Promise((resolve) =>
    setTimeout(() => {
      socket.off(event, handler);
      resolve(seen);
    }, ms),
  );
}

export function emitWithAck<T = any>(socket: ClientSocket, event: string, payload: unknown, timeoutMs = 5_000): Promise<T> {
  return socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<T>;
}

export function disconnected(socket: ClientSocket, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    if (socket.disconnected) {
      resolve('already disconnected');
      return;
    }
    const timer = setTimeout(() => reject(new Error(`still connected after ${timeoutMs} ms`)), timeoutMs);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

export type SendOutcome =
  { index: number; error: string; reason: string } | { index: number; ok: boolean; content?: string; senderId?: number; name?: string };

// Every socket sends "from <index>" at once, so their rechecks reach the server together. A socket in `stopped`
// is expected to be refused: its outcome is the error code and disconnect reason; the others' is their ack.
export function sendFromEach(sockets: ClientSocket[], stopped: Set<number>): Promise<SendOutcome[]> {
  return Promise.all(
    sockets.map(async (socket, index) => {
      if (stopped.has(index)) {
        const error = nextEvent<{ code: string }>(socket, 'error');
        const closed = disconnected(socket);
        socket.emit('sendMessage', { content: `from ${index}` });
        return { index, error: (await error).code, reason: await closed };
      }
      const ack = await emitWithAck(socket, 'sendMessage', { content: `from ${index}` });
      return { index, ok: ack.ok, content: ack.message?.content, senderId: ack.message?.senderId, name: ack.message?.sender?.name };
    }),
  );
}
