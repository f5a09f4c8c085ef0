import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import { type BeforeApplicationShutdown, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

// While the server closes, idle keep-alive connections are closed this often.
const IDLE_SWEEP_MS = 100;

// Node 20's server.close() closes the connections that are idle at that moment and then waits for the rest, which
// leaves two kinds open far past SHUTDOWN_TIMEOUT_MS:
// - one that has not sent a request yet (a browser's speculative preconnect, a proxy's warm pool): Node does not
//   count it as idle, so it stays until its headersTimeout (60 s);
// - one whose response was still being written: once it is done the connection is an idle keep-alive one, which
//   nothing closes before keepAliveTimeout (72 s with Fastify).
// So from the start of the shutdown, connections without a request are destroyed (new ones at once), and idle ones
// are closed again and again until the server has closed.
export interface ShutdownConnections {
  startClosing(): void;
}

export function closeConnectionsOnShutdown(server: Server): ShutdownConnections {
  const withoutRequest = new Set<Socket>();
  let isClosing = false;
  server.on('connection', (socket: Socket) => {
    if (isClosing) {
      socket.destroy();
      return;
    }
    withoutRequest.add(socket);
    socket.once('close', () => withoutRequest.delete(socket));
  });
  const started = (request: IncomingMessage) => withoutRequest.delete(request.socket);
  server.on('request', started);
  server.on('upgrade', started);
  return {
    startClosing() {
      if (isClosing) {
        return;
      }
      isClosing = true;
      withoutRequest.forEach((socket) => socket.destroy());
      withoutRequest.clear();
      const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS).unref();
      server.once('close', () => clearInterval(sweep));
    },
  };
}

// Nest calls beforeApplicationShutdown just before it closes the socket and HTTP servers (app.close()).
@Injectable()
export class HttpConnectionsShutdown implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private connections?: ShutdownConnections;

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onApplicationBootstrap(): void {
    this.connections = closeConnectionsOnShutdown(this.adapterHost.httpAdapter.getHttpServer());
  }

  beforeApplicationShutdown(): void {
    this.connections?.startClosing();
  }
}
