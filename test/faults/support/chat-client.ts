import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { io, type Socket } from 'socket.io-client';
import type { MessageView } from '../../../src/contract/messages.js';
import type { SocketError } from '../../../src/contract/errors.js';
import { apiClient, nextPath } from '../../support/http.js';

export type { MessageView };

// Stands in for the load balancer in front of the instances: round robin over those not marked down.
// A client whose connection fails simply asks again, as a browser behind a real balancer would retry.
export class LoadBalancer {
  private next = 0;
  private readonly down = new Set<string>();

  constructor(private readonly urls: string[]) {}

  markDown(url: string): void {
    this.down.add(url);
  }

  pick(): string {
    const live = this.urls.filter((url) => !this.down.has(url));
    if (live.length === 0) {
      throw new Error('no instance behind the load balancer');
    }
    const url = live[this.next % live.length];
    this.next += 1;
    return url as string;
  }
}

export interface Account {
  id: number;
  role: 'USER' | 'ADMIN';
  token: string;
}

export interface SendTarget {
  conversationId?: number;
  userId?: number;
}

type Ack<T> = ({ ok: true } & T) | { ok: false; error: SocketError };
type SendAck = Ack<{ message: MessageView }>;
type SyncAck = Ack<{ conversations: { conversationId: number; messages: MessageView[]; hasMore: boolean }[] }>;

type RequestResult<T> = { kind: 'ack'; value: T } | { kind: 'disconnected' } | { kind: 'timeout' };

export interface SendAttempt {
  clientMessageId: string;
  url: string;
  startedAt: number;
  endedAt: number;
  // 'ok', the refusal's error code, or what happened to the request when no answer came.
  outcome: string;
}

export class SendRefusedError extends Error {
  constructor(
    readonly clientName: string,
    readonly error: SocketError,
  ) {
    super(`${clientName}: send refused with ${error.code}: ${error.message}`);
  }
}

export interface ChatClientOptions {
  name: string;
  account: Account;
  balancer: LoadBalancer;
  // How long one attempt waits for its ack before it is retried (same clientMessageId).
  ackTimeoutMs?: number;
  // How long send() keeps retrying, reconnections included, before giving up.
  sendDeadlineMs?: number;
}

const SYNC_BATCH = 200;
const RETRIED_CODES = new Set<string>(['UNAVAILABLE', 'RATE_LIMITED', 'INTERNAL']);
const LIST_PAGE = 200;

// A chat client that behaves as the web app must for nothing to be lost: it reconnects through the
// balancer when its connection drops, retries unacknowledged sends with the same clientMessageId,
// catches up with `sync` after every (re)connect and on `syncRequired`, and keeps one view of the
// messages it knows (acks, live newMessage events, sync results) deduplicated by id.
export class ChatClient {
  readonly name: string;
  readonly account: Account;
  // Everything this client knows, by message id, and per conversation by seq (to find gaps and conflicts).
  readonly messages = new Map<number, MessageView>();
  private readonly bySeq = new Map<number, Map<number, number>>();
  private readonly contiguous = new Map<number, number>();
  readonly knownConversations = new Set<number>();
  readonly liveIds = new Set<number>();
  readonly syncedIds = new Set<number>();
  liveEvents = 0;
  // clientMessageId → the message its first ack named; every later ack must name the same one.
  readonly acked = new Map<string, MessageView>();
  readonly attempts: SendAttempt[] = [];
  // Contract breaches seen by this client (a seq naming two messages, an id changing content...).
  readonly anomalies: string[] = [];
  readonly seen = { connects: 0, disconnects: 0, syncRequired: 0, serverDraining: 0, catchUps: 0 };
  // Every successful connection: where and when.
  readonly connections: { url: string; at: number }[] = [];
  // Distinct sends (clientMessageIds) this client started.
  readonly sentIds = new Set<string>();

  socket?: Socket;
  url?: string;
  private readonly balancer: LoadBalancer;
  private readonly ackTimeoutMs: number;
  private readonly sendDeadlineMs: number;
  private wantsConnection = false;
  private isClosed = false;
  private reconnecting?: Promise<void>;
  private connectWaiters: (() => void)[] = [];
  private catchUpRun?: Promise<void>;
  private isCatchUpDirty = false;
  private readonly pendingSends = new Set<Promise<unknown>>();

  constructor(options: ChatClientOptions) {
    this.name = options.name;
    this.account = options.account;
    this.balancer = options.balancer;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
    this.sendDeadlineMs = options.sendDeadlineMs ?? 90_000;
  }

  get isConnected(): boolean {
    return this.socket?.connected === true;
  }

  // Connects to `url` (or the balancer's pick) and catches up; a later drop reconnects through the balancer.
  async connect(url?: string): Promise<void> {
    this.wantsConnection = true;
    if (this.isConnected) {
      this.socket?.disconnect();
    }
    await this.open(url ?? this.balancer.pick());
  }

  // A deliberate disconnect: no reconnection until connect() is called again; sends wait for it.
  disconnect(): void {
    this.wantsConnection = false;
    this.socket?.disconnect();
  }

  async close(): Promise<void> {
    this.isClosed = true;
    this.wantsConnection = false;
    // Disconnect first: requests waiting for an ack end on the 'disconnect' event instead of timing out.
    this.socket?.disconnect();
    this.socket?.removeAllListeners();
    this.connectWaiters.splice(0).forEach((wake) => wake());
    await Promise.allSettled([...this.pendingSends, this.catchUpRun]);
  }

  // Sends until acknowledged: a refusal with UNAVAILABLE, a lost connection or a missing ack all lead
  // to a retry with the same clientMessageId, so a send the server stored before failing is not doubled.
  send(content: string, target: SendTarget = {}, clientMessageId: string = randomUUID()): Promise<MessageView> {
    const run = this.sendUntilAcked(content, target, clientMessageId);
    this.pendingSends.add(run);
    const forget = () => this.pendingSends.delete(run);
    run.then(forget, forget);
    return run;
  }

  // Every send started so far, settled (acknowledged or failed).
  async allSendsSettled(): Promise<void> {
    while (this.pendingSends.size > 0) {
      await Promise.allSettled([...this.pendingSends]);
    }
  }

  private async sendUntilAcked(content: string, target: SendTarget, clientMessageId: string): Promise<MessageView> {
    this.sentIds.add(clientMessageId);
    const payload = { ...target, content, clientMessageId };
    const deadline = Date.now() + this.sendDeadlineMs;
    let backoffMs = 50;
    for (;;) {
      const socket = await this.connectedSocket(deadline, `send ${clientMessageId}`);
      const startedAt = Date.now();
      const url = this.url ?? '?';
      const result = await this.request<SendAck>(socket, 'sendMessage', payload, this.ackTimeoutMs);
      const outcome = result.kind !== 'ack' ? result.kind : result.value.ok ? 'ok' : result.value.error.code;
      this.attempts.push({ clientMessageId, url, startedAt, endedAt: Date.now(), outcome });
      if (result.kind === 'ack') {
        if (result.value.ok) {
          this.recordAck(clientMessageId, result.value.message);
          return result.value.message;
        }
        const error = result.value.error;
        // INTERNAL is retried too, as a browser retries a 500; the tests read every attempt's outcome.
        if (!RETRIED_CODES.has(error.code)) {
          throw new SendRefusedError(this.name, error);
        }
        await sleep(error.retryAfterMs ?? backoffMs);
        backoffMs = Math.min(backoffMs * 2, 500);
      }
      if (Date.now() > deadline) {
        throw new Error(`${this.name}: send ${clientMessageId} not acknowledged within ${this.sendDeadlineMs} ms (last: ${outcome})`);
      }
    }
  }

  private recordAck(clientMessageId: string, message: MessageView): void {
    const first = this.acked.get(clientMessageId);
    if (first && first.id !== message.id) {
      this.anomalies.push(`${this.name}: clientMessageId ${clientMessageId} acknowledged as message ${first.id}, then as ${message.id}`);
    }
    if (!first) {
      this.acked.set(clientMessageId, message);
    }
    this.take(message, 'ack');
  }

  // Catch-up, serialised: a request while one runs makes it run once more afterwards, because the
  // running one may have read before the messages that prompted the request were committed.
  requestCatchUp(): Promise<void> {
    this.isCatchUpDirty = true;
    if (!this.catchUpRun) {
      const run = this.runCatchUps();
      this.catchUpRun = run;
      void run.finally(() => {
        if (this.catchUpRun === run) {
          this.catchUpRun = undefined;
        }
      });
    }
    return this.catchUpRun;
  }

  private async runCatchUps(): Promise<void> {
    // Never inside the caller's turn: the caller must see catchUpRun set before this can clear it.
    await Promise.resolve();
    while (this.isCatchUpDirty && !this.isClosed) {
      this.isCatchUpDirty = false;
      await this.catchUpWithRetries();
    }
  }

  // Resolves when no catch-up is running or requested.
  async catchUpSettled(): Promise<void> {
    while (this.catchUpRun) {
      await this.catchUpRun.catch(() => undefined);
    }
  }

  private async catchUpWithRetries(): Promise<void> {
    const deadline = Date.now() + this.sendDeadlineMs;
    for (;;) {
      try {
        await this.catchUp();
        return;
      } catch (error) {
        if (this.isClosed) {
          return;
        }
        if (Date.now() > deadline) {
          this.anomalies.push(
            `${this.name}: catch-up failed until its deadline: ${error instanceof Error ? error.message : String(error)}`,
          );
          return;
        }
        await sleep(100);
      }
    }
  }

  // Conversations this client did not know come from GET /chat/conversations; then `sync` from the
  // last seq it holds without a gap, page after page while hasMore.
  async catchUp(via: 'socket' | 'rest' = 'socket'): Promise<void> {
    this.seen.catchUps += 1;
    const baseUrl = this.isConnected && this.url ? this.url : this.balancer.pick();
    const api = apiClient(baseUrl);
    let path: string | undefined = `/chat/conversations?limit=${LIST_PAGE}`;
    while (path) {
      const page = await api<{ id: number }[]>('GET', path, { token: this.account.token });
      if (page.status !== 200) {
        throw new Error(`GET ${path} on ${baseUrl}: ${page.status} ${JSON.stringify(page.body)}`);
      }
      page.body.forEach((conversation) => this.knownConversations.add(conversation.id));
      path = nextPath(page.headers);
    }
    if (via === 'rest') {
      for (const conversationId of this.knownConversations) {
        await this.catchUpOverRest(baseUrl, conversationId);
      }
      return;
    }
    const from = new Map([...this.knownConversations].map((id) => [id, this.contiguousSeq(id)]));
    while (from.size > 0) {
      const batch = [...from].slice(0, SYNC_BATCH);
      batch.forEach(([id]) => from.delete(id));
      const socket = await this.connectedSocket(Date.now() + this.ackTimeoutMs, 'sync');
      const result = await this.request<SyncAck>(
        socket,
        'sync',
        { conversations: Object.fromEntries(batch.map(([id, seq]) => [String(id), seq])) },
        this.ackTimeoutMs,
      );
      if (result.kind !== 'ack') {
        throw new Error(`sync: ${result.kind}`);
      }
      if (!result.value.ok) {
        throw new Error(`sync refused: ${result.value.error.code} ${result.value.error.message}`);
      }
      for (const conversation of result.value.conversations) {
        conversation.messages.forEach((message) => this.take(message, 'sync'));
        const last = conversation.messages.at(-1);
        if (conversation.hasMore && last) {
          // "Call again from the last seq": not from our own contiguous seq, which a gap would pin.
          from.set(conversation.conversationId, last.seq);
        }
      }
    }
  }

  private async catchUpOverRest(baseUrl: string, conversationId: number): Promise<void> {
    const api = apiClient(baseUrl);
    let path: string | undefined =
      `/chat/conversations/${conversationId}/messages?afterSeq=${this.contiguousSeq(conversationId)}&limit=200`;
    while (path) {
      const page = await api<MessageView[]>('GET', path, { token: this.account.token });
      if (page.status !== 200) {
        throw new Error(`GET ${path}: ${page.status} ${JSON.stringify(page.body)}`);
      }
      page.body.forEach((message) => this.take(message, 'sync'));
      path = nextPath(page.headers);
    }
  }

  // The largest n such that this client holds seq 1..n of the conversation.
  contiguousSeq(conversationId: number): number {
    const seqs = this.bySeq.get(conversationId);
    let seq = this.contiguous.get(conversationId) ?? 0;
    while (seqs?.has(seq + 1)) {
      seq += 1;
    }
    this.contiguous.set(conversationId, seq);
    return seq;
  }

  // The view a user of this client would see: deduplicated by id, ordered by conversation then seq.
  view(): MessageView[] {
    return [...this.messages.values()].sort((a, b) => a.conversationId - b.conversationId || a.seq - b.seq);
  }

  private take(message: MessageView, source: 'ack' | 'live' | 'sync'): void {
    const known = this.messages.get(message.id);
    if (known) {
      if (known.conversationId !== message.conversationId || known.seq !== message.seq || known.content !== message.content) {
        this.anomalies.push(`${this.name}: message ${message.id} seen as ${summary(known)} and as ${summary(message)} (${source})`);
      }
    } else {
      this.messages.set(message.id, message);
    }
    let seqs = this.bySeq.get(message.conversationId);
    if (!seqs) {
      seqs = new Map();
      this.bySeq.set(message.conversationId, seqs);
    }
    const holder = seqs.get(message.seq);
    if (holder !== undefined && holder !== message.id) {
      this.anomalies.push(
        `${this.name}: conversation ${message.conversationId} seq ${message.seq} is message ${holder} and message ${message.id}`,
      );
    }
    seqs.set(message.seq, message.id);
    this.knownConversations.add(message.conversationId);
    if (source === 'live') {
      this.liveEvents += 1;
      this.liveIds.add(message.id);
    } else if (source === 'sync') {
      this.syncedIds.add(message.id);
    }
  }

  private async open(url: string): Promise<void> {
    const socket = io(`${url}/chat`, {
      auth: { token: this.account.token },
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      timeout: 5_000,
    });
    socket.on('newMessage', (message: MessageView) => this.take(message, 'live'));
    socket.on('syncRequired', () => {
      this.seen.syncRequired += 1;
      void this.requestCatchUp();
    });
    socket.on('serverDraining', () => {
      this.seen.serverDraining += 1;
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (error) => {
        socket.close();
        reject(new Error(`${this.name}: connect to ${url} failed: ${error.message}`));
      });
    });
    socket.on('disconnect', (reason) => this.onDisconnect(socket, reason));
    if (this.isClosed) {
      socket.disconnect();
      return;
    }
    const previous = this.socket;
    if (previous && previous !== socket) {
      // Disconnected before its listeners go, so requests still waiting on it end now and are retried here.
      previous.disconnect();
      previous.removeAllListeners();
    }
    this.socket = socket;
    this.url = url;
    this.connections.push({ url, at: Date.now() });
    this.seen.connects += 1;
    this.connectWaiters.splice(0).forEach((wake) => wake());
    if (!socket.connected) {
      this.onDisconnect(socket, 'transport close');
      return;
    }
    // Whatever happened while this client was away (or before it came) is fetched once the socket is in
    // its rooms: later messages arrive live, earlier ones by sync.
    void this.requestCatchUp();
  }

  private onDisconnect(socket: Socket, reason: string): void {
    if (socket !== this.socket) {
      return;
    }
    this.seen.disconnects += 1;
    if (this.isClosed || !this.wantsConnection || reason === 'io client disconnect') {
      return;
    }
    this.reconnecting ??= this.reconnect().finally(() => {
      this.reconnecting = undefined;
    });
  }

  private async reconnect(): Promise<void> {
    let backoffMs = 50;
    while (this.wantsConnection && !this.isClosed && !this.isConnected) {
      try {
        await this.open(this.balancer.pick());
        return;
      } catch {
        await sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 1_000);
      }
    }
  }

  private async connectedSocket(deadline: number, what: string): Promise<Socket> {
    for (;;) {
      if (this.isClosed) {
        throw new Error(`${this.name}: closed while waiting to ${what}`);
      }
      const socket = this.socket;
      if (socket?.connected) {
        return socket;
      }
      const msLeft = deadline - Date.now();
      if (msLeft <= 0) {
        throw new Error(`${this.name}: not connected in time to ${what}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(msLeft, 1_000));
        this.connectWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  // One emit with ack; a disconnect before the ack ends it at once (the ack can no longer come).
  private request<T>(socket: Socket, event: string, payload: unknown, timeoutMs: number): Promise<RequestResult<T>> {
    return new Promise((resolve) => {
      let isDone = false;
      const finish = (result: RequestResult<T>) => {
        if (isDone) {
          return;
        }
        isDone = true;
        clearTimeout(timer);
        socket.off('disconnect', onDisconnect);
        resolve(result);
      };
      const onDisconnect = () => finish({ kind: 'disconnected' });
      const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
      if (!socket.connected) {
        finish({ kind: 'disconnected' });
        return;
      }
      socket.on('disconnect', onDisconnect);
      socket.emit(event, payload, (value: T) => finish({ kind: 'ack', value }));
    });
  }
}

function summary(message: MessageView): string {
  return `{conversation ${message.conversationId}, seq ${message.seq}, ${JSON.stringify(message.content)}}`;
}
