import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { nonPublicReason } from './address-policy.js';

// One POST to a URL someone configured or a browser handed us (webhooks, Web Push), with the SSRF rule applied.

export interface OutboundPost {
  url: string;
  headers: Record<string, string | number>;
  body: string | Buffer;
  timeoutMs: number;
  // Loopback, private and link-local targets are refused unless this is set (tests, a receiver on the same host).
  allowPrivate: boolean;
}

export interface OutboundResponse {
  status: number;
  // The start of the response body, for error messages.
  bodyStart: string;
}

// The target resolved to an address outside the public internet; retrying will not help until DNS or config changes.
export class RefusedAddressError extends Error {
  override readonly name = 'RefusedAddressError';

  constructor(
    readonly host: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super(`refused: ${host} resolves to ${address}, a ${reason} address (set the *_ALLOW_PRIVATE option to allow it)`);
  }
}

const MAX_BODY_START = 512;

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// Every address the name resolves to is checked, then the connection is pinned to the checked one, so a
// DNS answer that changes between the check and the connect (rebinding) cannot reach a private address.
async function resolvePinned(host: string, allowPrivate: boolean, timeoutMs: number): Promise<{ address: string; family: number }> {
  const addresses = await withTimeout(lookup(host, { all: true, verbatim: true }), timeoutMs, `DNS lookup of ${host}`);
  const first = addresses[0];
  if (!first) {
    throw new Error(`DNS lookup of ${host} returned no address`);
  }
  if (!allowPrivate) {
    for (const { address } of addresses) {
      const reason = nonPublicReason(address);
      if (reason !== undefined) {
        throw new RefusedAddressError(host, address, reason);
      }
    }
  }
  return first;
}

function pinnedLookup(pinned: { address: string; family: number }): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) {
      callback(null, [pinned]);
    } else {
      callback(null, pinned.address, pinned.family);
    }
  };
}

// Redirects are not followed (a 3xx is just a status), so a public URL cannot bounce the request inwards.
export async function postOnce(request: OutboundPost): Promise<OutboundResponse> {
  const url = new URL(request.url);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`unsupported protocol ${url.protocol}`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const started = Date.now();
  const pinned = await resolvePinned(host, request.allowPrivate, request.timeoutMs);
  const remainingMs = Math.max(1, request.timeoutMs - (Date.now() - started));
  const client = url.protocol === 'https:' ? https : http;

  return new Promise<OutboundResponse>((resolve, reject) => {
    const outgoing = client.request(
      url,
      { method: 'POST', headers: request.headers, lookup: pinnedLookup(pinned), agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        let length = 0;
        response.on('data', (chunk: Buffer) => {
          if (length < MAX_BODY_START) {
            chunks.push(chunk);
            length += chunk.length;
          }
        });
        response.on('end', () => {
          clearTimeout(timer);
          resolve({
            status: response.statusCode ?? 0,
            bodyStart: Buffer.concat(chunks).subarray(0, MAX_BODY_START).toString('utf8'),
          });
        });
        response.on('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
      },
    );
    const timer = setTimeout(() => outgoing.destroy(new Error(`no response within ${request.timeoutMs} ms`)), remainingMs);
    outgoing.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    outgoing.end(request.body);
  });
}

// For logs and last_error: what went wrong, without a stack.
export function describeFailure(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
