// Checks a two-instance deployment: the demo user on the first URL and the demo admin on the second
// exchange a message each way, typing and a read receipt. Usage:
//   node scripts/two-instances-demo.mjs http://localhost:3001 http://localhost:3002
import { io } from 'socket.io-client';

const [userUrl = 'http://localhost:3001', adminUrl = 'http://localhost:3002'] = process.argv.slice(2);
const TIMEOUT_MS = 5_000;

async function login(url, email) {
  const response = await fetch(`${url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'password' }),
  });
  if (!response.ok) {
    throw new Error(`login ${email} at ${url}: ${response.status} ${await response.text()}`);
  }
  return response.json();
}

function connect(url, token) {
  const socket = io(`${url}/chat`, { transports: ['websocket'], auth: { token }, reconnection: false });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

function next(socket, event, label) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} (${label}) within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    socket.once(event, (payload) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

const user = await login(userUrl, 'user@example.com');
const admin = await login(adminUrl, 'admin@example.com');
const userSocket = await connect(userUrl, user.accessToken);
const adminSocket = await connect(adminUrl, admin.accessToken);
try {
  const adminGets = next(adminSocket, 'newMessage', 'user → admin');
  const sent = await userSocket
    .timeout(TIMEOUT_MS)
    .emitWithAck('sendMessage', { content: `hello from ${userUrl}`, clientMessageId: crypto.randomUUID() });
  if (!sent.ok) {
    throw new Error(`send failed: ${JSON.stringify(sent.error)}`);
  }
  console.log(`admin on ${adminUrl} got:`, (await adminGets).content);
  const conversationId = sent.message.conversationId;

  const userGets = next(userSocket, 'newMessage', 'admin → user');
  await adminSocket.timeout(TIMEOUT_MS).emitWithAck('sendMessage', { conversationId, content: `hello from ${adminUrl}` });
  console.log(`user on ${userUrl} got:`, (await userGets).content);

  const typing = next(userSocket, 'userTyping', 'typing');
  await adminSocket.timeout(TIMEOUT_MS).emitWithAck('typing', { conversationId, isTyping: true });
  console.log('user saw typing from', (await typing).name);

  const receipt = next(userSocket, 'messagesRead', 'read receipt');
  await adminSocket.timeout(TIMEOUT_MS).emitWithAck('markAsRead', { conversationId });
  console.log('user saw read receipt from reader', (await receipt).readerId);
  console.log('OK: both instances deliver to each other');
} finally {
  userSocket.close();
  adminSocket.close();
}
