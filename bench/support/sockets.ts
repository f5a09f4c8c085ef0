import { io, type Socket } from 'socket.io-client';

// The transport options every bench socket uses, against our server and the baseline alike.
export function openSocket(baseUrl: string, auth: Record<string, unknown>, timeoutMs: number): Promise<Socket> {
  const socket = io(`${baseUrl}/chat`, {
    auth,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: timeoutMs,
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('connect timed out'));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('connect_error');
      resolve(socket);
    });
    socket.once('connect_error', (error: Error) => {
      clearTimeout(timer);
      socket.close();
      reject(error);
    });
  });
}

export function closeAll(sockets: Iterable<Socket>): void {
  for (const socket of sockets) {
    socket.close();
  }
}
