import { createServer } from 'node:http';
import { Server, type Socket } from 'socket.io';

// The bare baseline: Socket.IO alone relaying the chat's message pattern, with no auth, no database and no framework.
// Same Node, same path, same transport options as src/realtime/socket-io.adapter.ts, same rooms and payload shape.

const ADMINS_ROOM = 'admins';
const userRoom = (userId: number) => `user:${userId}`;

interface Identity {
  userId: number;
  role: 'USER' | 'ADMIN';
  name: string;
}

interface SendPayload {
  conversationId?: number;
  content?: string;
  clientMessageId?: string;
}

type Ack = (result: unknown) => void;

const port = Number(process.env.PORT ?? '0');
const http = createServer((request, response) => {
  // Liveness only, for the bench's readiness wait and its event-loop probe.
  response.writeHead(request.url === '/health' ? 200 : 404, { 'content-type': 'application/json' });
  response.end('{"status":"ok"}');
});
const io = new Server(http, {
  path: '/socket.io',
  serveClient: false,
  maxHttpBufferSize: 1_000_000,
  perMessageDeflate: false,
});

const ownerOf = new Map<number, number>();
const conversationOfUser = new Map<number, number>();
let lastConversationId = 0;
let lastMessageId = 0;
const seqOf = new Map<number, number>();

const chat = io.of('/chat');
chat.use((socket, next) => {
  const auth = socket.handshake.auth as Partial<Identity>;
  socket.data = {
    userId: Number(auth.userId),
    role: auth.role === 'ADMIN' ? 'ADMIN' : 'USER',
    name: String(auth.name ?? 'bench'),
  } satisfies Identity;
  next();
});
chat.on('connection', (socket: Socket) => {
  const me = socket.data as Identity;
  void socket.join(me.role === 'ADMIN' ? [userRoom(me.userId), ADMINS_ROOM] : [userRoom(me.userId)]);
  socket.on('sendMessage', (payload: SendPayload, ack?: Ack) => {
    let conversationId = payload?.conversationId;
    if (conversationId === undefined) {
      conversationId = conversationOfUser.get(me.userId) ?? ++lastConversationId;
      conversationOfUser.set(me.userId, conversationId);
      ownerOf.set(conversationId, me.userId);
    }
    const owner = ownerOf.get(conversationId);
    if (owner === undefined) {
      ack?.({ ok: false, error: { code: 'CONVERSATION_NOT_FOUND', message: 'Not found' } });
      return;
    }
    const seq = (seqOf.get(conversationId) ?? 0) + 1;
    seqOf.set(conversationId, seq);
    const message = {
      id: ++lastMessageId,
      conversationId,
      seq,
      senderId: me.userId,
      content: String(payload.content ?? ''),
      isRead: false,
      createdAt: new Date().toISOString(),
      clientMessageId: payload.clientMessageId ?? null,
      sender: { id: me.userId, name: me.name, role: me.role },
    };
    chat.to([userRoom(owner), ADMINS_ROOM]).emit('newMessage', message);
    ack?.({ ok: true, message });
  });
});

http.listen(port, '127.0.0.1', () => console.log(`baseline listening on ${port}`));
const stop = () => {
  io.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
