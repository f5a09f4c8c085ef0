import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  receivedAt: number;
}

// The status to answer with; may look at what was received so far.
export type Responder = (request: RecordedRequest) => number;

export interface HttpRecorder {
  readonly port: number;
  readonly requests: RecordedRequest[];
  respond: Responder;
  url(path: string): string;
  // Stops listening (senders then get ECONNREFUSED) and starts again on the same port.
  stop(): Promise<void>;
  start(): Promise<void>;
}

// A real HTTP server on loopback that records every request: a webhook receiver or a Web Push endpoint.
export async function startHttpRecorder(respond: Responder = () => 200): Promise<HttpRecorder> {
  const requests: RecordedRequest[] = [];
  let server: Server | undefined;
  let port = 0;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const next = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          const recorded: RecordedRequest = {
            method: request.method ?? '',
            path: request.url ?? '',
            headers: request.headers,
            body: Buffer.concat(chunks),
            receivedAt: Date.now(),
          };
          requests.push(recorded);
          response.statusCode = recorder.respond(recorded);
          response.end();
        });
      });
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => {
        port = (next.address() as AddressInfo).port;
        server = next;
        resolve();
      });
    });

  const recorder: HttpRecorder = {
    get port() {
      return port;
    },
    requests,
    respond,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    async stop() {
      const current = server;
      server = undefined;
      if (current) {
        current.closeAllConnections();
        await new Promise<void>((resolve) => current.close(() => resolve()));
      }
    },
    start: listen,
  };
  await listen();
  return recorder;
}
