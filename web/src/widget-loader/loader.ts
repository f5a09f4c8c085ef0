// The website widget's loader: pasted into the product's pages as <script src="https://chat.example.com/widget.js">.
// No framework, no storage, no token: the chat runs in an iframe from the chat's own origin; this script draws the
// launcher (in a shadow root, so the page's CSS cannot reach it) and relays the signed identity by postMessage.
import {
  type Attributes,
  type FrameToHost,
  type HostToFrame,
  SOURCE,
  type WidgetIdentity,
  type WidgetIncomingMessage,
} from './protocol.js';
import { LAUNCHER_ICON, WIDGET_CSS } from './styles.js';

type EventName = 'ready' | 'open' | 'close' | 'unreadCountChanged' | 'message';
type Handler = (value?: unknown) => void;

interface InitOptions {
  user?: { id: string | number; email?: string; name?: string; hash: string };
  token?: string;
  open?: boolean;
  position?: 'right' | 'left';
  attributes?: Attributes;
  pageUrl?: string;
  baseUrl?: string;
  launcher?: boolean;
}

interface Mounted {
  host: HTMLElement;
  wrapper: HTMLElement;
  iframe: HTMLIFrameElement;
  launcher: HTMLButtonElement;
  badge: HTMLElement;
  origin: string;
  identity: WidgetIdentity;
  pageUrlOption?: string;
  isOpen: boolean;
  isReady: boolean;
  unread: number;
  listener(event: MessageEvent): void;
  keyListener(event: KeyboardEvent): void;
  settle(error?: Error): void;
  onResetDone?: () => void;
}

interface SupportChatApi {
  init(options?: InitOptions): Promise<void>;
  open(): void;
  close(): void;
  toggle(): void;
  reset(): Promise<void>;
  setAttributes(attributes: Attributes): void;
  on(event: EventName, handler: Handler): void;
  off(event: EventName, handler: Handler): void;
}

const EVENTS: EventName[] = ['ready', 'open', 'close', 'unreadCountChanged', 'message'];
const MAX_ATTRIBUTES = 20;
const READY_TIMEOUT_MS = 20_000;
const RESET_TIMEOUT_MS = 1_000;
// Browsers that block a third-party iframe's storage would lose an anonymous visitor's chat on every page load;
// the page keeps a copy of the visitor id (nothing else: the token never leaves the iframe).
const VISITOR_KEY = 'support-chat.visitor';

function storedVisitor(value?: string | null): string | undefined {
  try {
    if (value === null) {
      localStorage.removeItem(VISITOR_KEY);
    } else if (value !== undefined) {
      localStorage.setItem(VISITOR_KEY, value);
    }
    return localStorage.getItem(VISITOR_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

// The chat's origin is where this script came from (captured now: currentScript is only set while it runs).
const scriptSrc = (document.currentScript as HTMLScriptElement | null)?.src ?? '';
const handlers = new Map<EventName, Set<Handler>>(EVENTS.map((name) => [name, new Set<Handler>()]));
let widget: Mounted | undefined;
let pendingReset: Promise<void> | undefined;
// An init() between its first await and its mount; reset() moves the generation on, which cancels it.
let isInitializing = false;
let generation = 0;

class OptionError extends Error {}

function check(condition: boolean, option: string, problem: string): void {
  if (!condition) {
    throw new OptionError(`SupportChat.init: option "${option}" ${problem}`);
  }
}

const isText = (value: unknown, max: number): value is string => typeof value === 'string' && value.length > 0 && value.length <= max;

function checkAttributes(value: unknown, option: string): Attributes {
  check(typeof value === 'object' && value !== null && !Array.isArray(value), option, 'must be an object of strings, numbers and booleans');
  const entries = Object.entries(value as object);
  check(entries.length <= MAX_ATTRIBUTES, option, `must have at most ${MAX_ATTRIBUTES} keys`);
  for (const [key, item] of entries) {
    check(key.length > 0 && key.length <= 50, `${option}.${key}`, 'must have a name of 1 to 50 characters');
    const isValue =
      (typeof item === 'string' && item.length <= 500) || typeof item === 'boolean' || (typeof item === 'number' && Number.isFinite(item));
    check(isValue, `${option}.${key}`, 'must be a string (at most 500 characters), a finite number or a boolean');
  }
  return value as Attributes;
}

function identityOf(options: InitOptions): WidgetIdentity {
  check(typeof options === 'object' && options !== null, 'options', 'must be an object');
  const { user, token, attributes, pageUrl, position, baseUrl } = options;
  const identity: WidgetIdentity = { pageUrl: location.href };
  if (user !== undefined) {
    check(typeof user === 'object' && user !== null, 'user', 'must be an object {id, email?, name?, hash}');
    const id = typeof user.id === 'number' ? String(user.id) : user.id;
    check(isText(id, 200), 'user.id', 'must be a non-empty string of at most 200 characters');
    check(typeof user.hash === 'string' && /^[0-9a-fA-F]{64}$/.test(user.hash), 'user.hash', 'must be the hex HMAC-SHA256 of user.id');
    check(user.email === undefined || (isText(user.email, 254) && user.email.includes('@')), 'user.email', 'must be an email address');
    check(user.name === undefined || isText(user.name, 100), 'user.name', 'must be a string of 1 to 100 characters');
    identity.user = { id, email: user.email, name: user.name, hash: user.hash };
  }
  check(token === undefined || isText(token, 8000), 'token', 'must be a host-app JWT string');
  check(!(user !== undefined && token !== undefined), 'token', 'cannot be given together with "user"');
  identity.token = token;
  if (attributes !== undefined) {
    identity.attributes = checkAttributes(attributes, 'attributes');
  }
  if (pageUrl !== undefined) {
    check(typeof pageUrl === 'string' && /^https?:\/\//.test(pageUrl) && pageUrl.length <= 2000, 'pageUrl', 'must be an http(s) URL');
    identity.pageUrl = pageUrl;
  }
  check(position === undefined || position === 'right' || position === 'left', 'position', 'must be "right" or "left"');
  check(options.open === undefined || typeof options.open === 'boolean', 'open', 'must be a boolean');
  check(options.launcher === undefined || typeof options.launcher === 'boolean', 'launcher', 'must be a boolean');
  check(baseUrl === undefined || (typeof baseUrl === 'string' && /^https?:\/\/[^/]/.test(baseUrl)), 'baseUrl', 'must be an http(s) URL');
  return identity;
}

function emit(event: EventName, value?: unknown): void {
  for (const handler of handlers.get(event) ?? []) {
    try {
      handler(value);
    } catch (error) {
      console.error(`SupportChat: a "${event}" handler threw`, error);
    }
  }
}

// A message to the iframe without its SOURCE tag (added here), one variant at a time.
type ToFrame = HostToFrame extends infer M ? (M extends { source: string } ? Omit<M, 'source'> : never) : never;

function post(message: ToFrame): void {
  widget?.iframe.contentWindow?.postMessage({ ...message, source: SOURCE }, widget.origin);
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string>,
  parent: Node,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    node.setAttribute(name, value);
  }
  parent.appendChild(node);
  return node;
}

function showUnread(count: number): void {
  if (!widget || widget.unread === count) {
    return;
  }
  widget.unread = count;
  widget.badge.textContent = count > 99 ? '99+' : String(count);
  widget.badge.setAttribute('aria-label', `${count} unread ${count === 1 ? 'message' : 'messages'}`);
  widget.badge.hidden = count === 0;
  emit('unreadCountChanged', count);
}

// open()/close() called while init() is still on its way: applied once the widget is ready.
let wantsOpen: boolean | undefined;

function setOpen(isOpen: boolean): void {
  const current = widget;
  if (!current?.isReady) {
    wantsOpen = current || isInitializing ? isOpen : undefined;
    return;
  }
  if (current.isOpen === isOpen) {
    return;
  }
  current.isOpen = isOpen;
  current.wrapper.classList.toggle('open', isOpen);
  current.launcher.setAttribute('aria-expanded', String(isOpen));
  post(isOpen ? { type: 'open', pageUrl: current.pageUrlOption ?? location.href } : { type: 'close' });
  if (isOpen) {
    current.iframe.focus();
    // Again once the panel has been laid out, in case the first call came before the browser saw it displayed.
    requestAnimationFrame(() => {
      if (current.isOpen && document.activeElement !== current.host) {
        current.iframe.focus();
      }
    });
  } else if (document.activeElement === current.host) {
    // Focus was in the panel: it goes back to the launcher (or the page, when the product draws its own).
    if (current.launcher.isConnected && getComputedStyle(current.launcher).display !== 'none') {
      current.launcher.focus();
    } else {
      current.host.blur();
    }
  }
  emit(isOpen ? 'open' : 'close');
}

function onFrameMessage(current: Mounted, data: FrameToHost): void {
  switch (data.type) {
    case 'hello':
      // Every load of the iframe (the first, or after it reloaded) exchanges the identity again.
      post({
        type: 'identify',
        identity: { ...current.identity, visitorId: current.identity.user || current.identity.token ? undefined : storedVisitor() },
      });
      if (current.isOpen) {
        post({ type: 'open', pageUrl: current.pageUrlOption ?? location.href });
      }
      return;
    case 'ready':
      if (!current.isReady) {
        current.isReady = true;
        current.wrapper.classList.remove('pending');
        current.settle();
      }
      return;
    case 'refused':
      current.settle(
        new Error(
          `SupportChat.init: the chat refused this identity (${data.message}); check "${current.identity.user ? 'user.hash' : current.identity.token ? 'token' : 'user'}"`,
        ),
      );
      return;
    case 'unread':
      showUnread(Math.max(0, Math.floor(Number(data.count)) || 0));
      return;
    case 'message':
      emit('message', data.message satisfies WidgetIncomingMessage);
      return;
    case 'closeRequest':
      setOpen(false);
      return;
    case 'visitor':
      if (typeof data.id === 'string' && /^[0-9a-f-]{36}$/.test(data.id)) {
        storedVisitor(data.id);
      }
      return;
    case 'resetDone':
      current.onResetDone?.();
      return;
  }
}

function mount(options: InitOptions, identity: WidgetIdentity, origin: string, settle: (error?: Error) => void): Mounted {
  const host = document.createElement('div');
  host.setAttribute('data-support-chat', '');
  const root = host.attachShadow({ mode: 'open' });
  // A constructed sheet is not subject to the page's style-src CSP; a <style> element is the fallback.
  if ('adoptedStyleSheets' in root && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(WIDGET_CSS);
    root.adoptedStyleSheets = [sheet];
  } else {
    element('style', {}, root).textContent = WIDGET_CSS;
  }
  const wrapper = element('div', { class: `sc pending ${options.position === 'left' ? 'left' : 'right'}` }, root);
  if (options.launcher === false) {
    wrapper.classList.add('no-launcher');
  }
  const panel = element('div', { class: 'panel', role: 'dialog', 'aria-label': 'Support chat' }, wrapper);
  const closeButton = element('button', { class: 'close', type: 'button', 'aria-label': 'Close support chat' }, panel);
  closeButton.textContent = '×';
  const iframe = element('iframe', { title: 'Support chat', src: `${origin}/widget/`, allow: 'clipboard-write' }, panel);
  const launcher = element(
    'button',
    { class: 'launcher', type: 'button', 'aria-label': 'Open support chat', 'aria-expanded': 'false' },
    wrapper,
  );
  launcher.innerHTML = LAUNCHER_ICON;
  const badge = element('span', { class: 'badge', role: 'status', 'aria-label': '0 unread messages' }, wrapper);
  badge.hidden = true;

  const current: Mounted = {
    host,
    wrapper,
    iframe,
    launcher,
    badge,
    origin,
    identity,
    pageUrlOption: options.pageUrl,
    isOpen: false,
    isReady: false,
    unread: 0,
    settle,
    listener: (event) => {
      const data: unknown = event.data;
      if (event.source !== iframe.contentWindow || event.origin !== origin || typeof data !== 'object' || data === null) {
        return;
      }
      if ((data as { source?: unknown }).source === SOURCE) {
        onFrameMessage(current, data as FrameToHost);
      }
    },
    keyListener: (event) => {
      if (event.key === 'Escape' && current.isOpen) {
        event.stopPropagation();
        setOpen(false);
        launcher.focus();
      }
    },
  };
  launcher.addEventListener('click', () => setOpen(!current.isOpen));
  closeButton.addEventListener('click', () => {
    setOpen(false);
    launcher.focus();
  });
  root.addEventListener('keydown', current.keyListener as EventListener);
  window.addEventListener('message', current.listener);
  document.body.appendChild(host);
  return current;
}

function unmount(): void {
  if (widget) {
    window.removeEventListener('message', widget.listener);
    widget.host.remove();
    widget = undefined;
  }
}

async function widgetConfig(origin: string): Promise<{ originAllowed?: boolean; allowAnonymous?: boolean } | undefined> {
  try {
    const response = await fetch(`${origin}/widget/config`, { credentials: 'omit' });
    return response.ok ? ((await response.json()) as { originAllowed?: boolean; allowAnonymous?: boolean }) : undefined;
  } catch {
    // The page's own CSP may forbid the request (connect-src): the iframe's CSP still decides.
    return undefined;
  }
}

async function init(options: InitOptions = {}): Promise<void> {
  try {
    const identity = identityOf(options);
    if (widget || isInitializing) {
      throw new Error('SupportChat.init: already initialised; call SupportChat.reset() before init() with another user');
    }
    const origin = new URL(options.baseUrl ?? (scriptSrc || location.href)).origin;
    isInitializing = true;
    const myGeneration = ++generation;
    let config: Awaited<ReturnType<typeof widgetConfig>>;
    try {
      await pendingReset;
      config = await widgetConfig(origin);
    } finally {
      isInitializing = false;
    }
    if (generation !== myGeneration) {
      throw new Error('SupportChat.init: reset() was called before the widget was ready');
    }
    if (config?.originAllowed === false) {
      throw new Error(
        `SupportChat: this page's origin (${location.origin}) is not in WIDGET_ORIGINS of the chat at ${origin}; the widget is not shown`,
      );
    }
    if (!identity.user && !identity.token && config?.allowAnonymous !== true) {
      throw new OptionError(
        'SupportChat.init: option "user" ({id, hash}) or "token" is required: this chat does not accept anonymous visitors',
      );
    }
    // Called from a script in <head>: the launcher goes into <body> once there is one.
    if (!document.body) {
      await new Promise<void>((resolve) => document.addEventListener('DOMContentLoaded', () => resolve(), { once: true }));
    }
    let settle: (error?: Error) => void = () => undefined;
    const ready = new Promise<void>((resolve, reject) => {
      settle = (error) => (error ? reject(error) : resolve());
    });
    const mine = mount(options, identity, origin, (error) => settle(error));
    widget = mine;
    const timer = setTimeout(
      () => settle(new Error(`SupportChat.init: the chat at ${origin} did not answer; is this page's origin in its WIDGET_ORIGINS?`)),
      READY_TIMEOUT_MS,
    );
    try {
      await ready;
    } catch (error) {
      if (widget === mine) {
        unmount();
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
    const shouldOpen = wantsOpen ?? options.open === true;
    wantsOpen = undefined;
    if (shouldOpen) {
      setOpen(true);
    }
    emit('ready');
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    throw error;
  }
}

// Ends the widget session: the iframe forgets its visitor id and token, and the widget leaves the page.
function reset(): Promise<void> {
  generation += 1;
  wantsOpen = undefined;
  const current = widget;
  if (!current) {
    return pendingReset ?? Promise.resolve();
  }
  pendingReset = new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      storedVisitor(null);
      current.settle(new Error('SupportChat.init: reset() was called before the widget was ready'));
      if (widget === current) {
        unmount();
      }
      resolve();
    };
    const timer = setTimeout(done, RESET_TIMEOUT_MS);
    current.onResetDone = done;
    post({ type: 'reset' });
  });
  return pendingReset;
}

function setAttributes(attributes: Attributes): void {
  try {
    const checked = checkAttributes(attributes, 'attributes');
    if (!widget) {
      throw new Error('SupportChat.setAttributes: call SupportChat.init() first');
    }
    widget.identity.attributes = { ...widget.identity.attributes, ...checked };
    post({ type: 'setAttributes', attributes: checked });
  } catch (error) {
    console.error(error instanceof Error ? error.message.replace('SupportChat.init', 'SupportChat.setAttributes') : error);
  }
}

function on(event: EventName, handler: Handler): void {
  const set = handlers.get(event);
  if (!set || typeof handler !== 'function') {
    console.error(`SupportChat.on: unknown event "${String(event)}" (known: ${EVENTS.join(', ')}) or handler is not a function`);
    return;
  }
  set.add(handler);
}

const api: SupportChatApi = {
  init,
  open: () => setOpen(true),
  close: () => setOpen(false),
  toggle: () => setOpen(!(widget?.isReady ? widget.isOpen : wantsOpen)),
  reset,
  setAttributes,
  on,
  off: (event, handler) => handlers.get(event)?.delete(handler),
};

// Calls made before this script loaded (window.SupportChat = window.SupportChat || { q: [] }; SupportChat.q.push([...]))
// are replayed in order.
const globalScope = window as unknown as { SupportChat?: { q?: ArrayLike<unknown>[] } | SupportChatApi };
const stub = globalScope.SupportChat;
const queued = stub && 'q' in stub && Array.isArray(stub.q) ? stub.q : [];
globalScope.SupportChat = api;
for (const call of queued) {
  const [method, ...args] = Array.from(call);
  const target =
    typeof method === 'string' ? (api as unknown as Record<string, ((...values: unknown[]) => unknown) | undefined>)[method] : undefined;
  if (!target) {
    console.error(`SupportChat: unknown queued call "${String(method)}"`);
    continue;
  }
  const result = target(...args);
  if (result instanceof Promise) {
    // Its error was already reported on the console; a queued call has nobody to hand the rejection to.
    result.catch(() => undefined);
  }
}
