import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { startServer, type TestServer } from './support/server.js';

// Far below what Node would wait on its own (headersTimeout 60 s, Fastify's keepAliveTimeout 72 s).
const CLOSE_WITHIN_MS = 10_000;

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${CLOSE_WITHIN_MS} ms`)), CLOSE_WITHIN_MS);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

// A raw TCP client: what it received so far, and a promise for each thing it waits for.
class RawConnection {
  received = '';
  readonly closed: Promise<void>;
  private readonly socket: Socket;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (this.received += chunk));
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static async open(url: string): Promise<RawConnection> {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new RawConnection(socket);
  }

  write(text: string): void {
    this.socket.write(text);
  }

  async waitFor(pattern: RegExp): Promise<RegExpMatchArray> {
    for (;;) {
      const match = this.received.match(pattern);
      if (match) {
        return match;
      }
      await new Promise<void>((resolve, reject) => {
        this.socket.once('data', () => resolve());
        this.socket.once('close', () => reject(new Error(`closed before ${pattern}: ${JSON.stringify(this.received)}`)));
      });
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}

describe('closing the server does not wait on idle connections', () => {
  let server: TestServer;
  const connections: RawConnection[] = [];
  // A failed test leaves no socket behind to keep the file's process alive.
  after(() => connections.forEach((connection) => connection.destroy()));

  it('closes a connection that has not sent a request yet (a browser preconnect)', async () => {
    server = await startServer();
    const preconnect = await RawConnection.open(server.url);
    connections.push(preconnect);
    // A request answered after the connection was made: the server has accepted it by now.
    assert.equal((await fetch(`${server.url}/health`)).status, 200);

    await within(server.close(), 'the server closed');
    await within(preconnect.closed, 'the server closed the connection');
    assert.equal(preconnect.received, '', 'nothing was sent on it');
  });

  it('answers a request that was on its way, then closes its keep-alive connection', async () => {
    server = await startServer();
    const connection = await RawConnection.open(server.url);
    connections.push(connection);
    const body = JSON.stringify({ email: 'nobody@example.com' });
    connection.write(
      'POST /auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\nConnection: keep-alive\r\n\r\n`,
    );
    // 100 Continue: the server has the request's headers, so the request has started.
    await connection.waitFor(/^HTTP\/1\.1 100 Continue\r\n\r\n/);

    const closing = server.close();
    connection.write(body);
    const [, status] = await within(
      connection.waitFor(/HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 (\d{3}) [^]*?\r\n\r\n\{[^]*\}$/),
      'the answer',
    );
    assert.equal(status, '400', connection.received);
    assert.match(connection.received, /"code":"VALIDATION"/);

    await within(connection.closed, 'the server closed the keep-alive connection');
    await within(closing, 'the server closed');
  });
});
