// The postMessage protocol between the loader (on the product's page) and the widget's iframe (the chat's origin).
// Every message carries SOURCE so both sides ignore other scripts' messages.
export const SOURCE = 'support-chat-widget';

export type Attributes = Record<string, string | number | boolean>;

export interface WidgetIdentity {
  user?: { id: string; email?: string; name?: string; hash: string };
  token?: string;
  attributes?: Attributes;
  pageUrl: string;
  // An anonymous visitor's id as the product page kept it (for browsers that block the iframe's own storage).
  visitorId?: string;
}

export interface WidgetIncomingMessage {
  id: number;
  conversationId: number;
  content: string;
  sender: { name: string };
}

// Loader → iframe.
export type HostToFrame =
  | { source: typeof SOURCE; type: 'identify'; identity: WidgetIdentity }
  // pageUrl: where the person is now (a single-page product changes it without reloading).
  | { source: typeof SOURCE; type: 'open'; pageUrl: string }
  | { source: typeof SOURCE; type: 'close' }
  | { source: typeof SOURCE; type: 'setAttributes'; attributes: Attributes }
  | { source: typeof SOURCE; type: 'reset' };

// Iframe → loader.
export type FrameToHost =
  | { source: typeof SOURCE; type: 'hello' }
  | { source: typeof SOURCE; type: 'ready' }
  | { source: typeof SOURCE; type: 'refused'; message: string }
  | { source: typeof SOURCE; type: 'unread'; count: number }
  | { source: typeof SOURCE; type: 'message'; message: WidgetIncomingMessage }
  | { source: typeof SOURCE; type: 'closeRequest' }
  | { source: typeof SOURCE; type: 'visitor'; id: string }
  | { source: typeof SOURCE; type: 'resetDone' };
