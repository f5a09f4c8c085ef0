import { type FrameToHost, type HostToFrame, SOURCE } from '../widget-loader/protocol.js';

type Outgoing = FrameToHost extends infer M ? (M extends { source: string } ? Omit<M, 'source'> : never) : never;

// The product page that embeds us. Its origin is learnt from its first identify message; the CSP frame-ancestors
// of this page already limited who that can be. Nothing is posted to it before then but "hello", which says nothing.
let parentOrigin: string | undefined;

export const isEmbedded = window.parent !== window;

export function postToHost(message: Outgoing): void {
  if (!isEmbedded) {
    return;
  }
  const target = message.type === 'hello' ? '*' : parentOrigin;
  if (target) {
    window.parent.postMessage({ ...message, source: SOURCE }, target);
  }
}

export function listenToHost(handler: (message: HostToFrame) => void): () => void {
  const listener = (event: MessageEvent) => {
    const data: unknown = event.data;
    if (event.source !== window.parent || typeof data !== 'object' || data === null || (data as { source?: unknown }).source !== SOURCE) {
      return;
    }
    const message = data as HostToFrame;
    if (message.type === 'identify') {
      parentOrigin = event.origin;
    } else if (event.origin !== parentOrigin) {
      return;
    }
    handler(message);
  };
  window.addEventListener('message', listener);
  return () => window.removeEventListener('message', listener);
}
