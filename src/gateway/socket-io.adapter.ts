import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { isObservable, type Observable } from 'rxjs';
import type { Server, ServerOptions, Socket } from 'socket.io';
import type { AppConfig } from '../config/config.js';
import type { RedisClients } from '../redis/redis.js';
import { isAllowedOrigin } from './socket-origin.js';

const MAX_SOCKET_PAYLOAD_BYTES = 1_000_000;

type NamespaceAdapter = ServerOptions['adapter'];

// With Redis, events fan out to every instance through the Redis adapter (sharded pub/sub on Redis 7 if asked).
// Loaded only then: a single instance does not pay for it.
export async function redisSocketAdapter(config: AppConfig, redis: RedisClients | undefined): Promise<NamespaceAdapter | undefined> {
  const options = config.redis;
  if (!redis || !options) {
    return undefined;
  }
  const { createAdapter, createShardedAdapter } = await import('@socket.io/redis-adapter');
  const key = `${options.prefix}:socket.io`;
  return options.sharded
    ? createShardedAdapter(redis.pub, redis.sub, { channelPrefix: key })
    : createAdapter(redis.pub, redis.sub, { key });
}

// Server-wide Socket.IO options come from configuration, not from the gateway decorator.
export class ChatSocketAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
    private readonly namespaceAdapter: NamespaceAdapter | undefined,
    private readonly isDraining: () => boolean,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: Partial<ServerOptions>): Server {
    const corsOrigins = this.config.corsOrigins;
    return super.createIOServer(port, {
      ...options,
      path: options?.path ?? '/socket.io',
      serveClient: false,
      maxHttpBufferSize: MAX_SOCKET_PAYLOAD_BYTES,
      perMessageDeflate: false,
      cors: corsOrigins.length > 0 ? { origin: corsOrigins, credentials: false } : undefined,
      adapter: this.namespaceAdapter,
      allowRequest: (request, callback) => {
        if (this.isDraining()) {
          callback('Server shutting down', false);
          return;
        }
        const allowed = isAllowedOrigin(request, corsOrigins);
        callback(allowed ? null : 'Origin not allowed', allowed);
      },
    } as ServerOptions);
  }

  // Nest's IoAdapter wraps every handler of every socket in an rxjs pipeline (fromEvent, mergeMap, takeUntil and a
  // shared disconnect stream): kilobytes held by each idle connection, and a chain of operators on every event.
  // A plain listener does the same job: the handler's result (or each value of an Observable) is acked, or sent
  // as an event when it is {event, data}; a failure is logged, never thrown into Socket.IO.
  override bindMessageHandlers(
    socket: Socket,
    handlers: MessageMappingProperties[],
    transform: (data: unknown) => Observable<unknown>,
  ): void {
    for (const { message, callback, isAckHandledManually } of handlers) {
      socket.on(message as string, (...args: unknown[]) => {
        // The same payload rxjs's fromEvent would have passed on: the one argument, or all of them.
        const { data, ack } = this.mapPayload(args.length > 1 ? args : args[0]);
        const respond = (response: unknown): void => {
          if (response === undefined || response === null) {
            return;
          }
          const event = (response as { event?: unknown }).event;
          if (typeof event === 'string') {
            socket.emit(event, (response as { data?: unknown }).data);
          } else if (!isAckHandledManually && typeof ack === 'function') {
            (ack as (response: unknown) => void)(response);
          }
        };
        const fail = (error: unknown): void => this.logger.error(error);
        const settle = (result: unknown): void => {
          if (isObservable(result)) {
            transform(result).subscribe({ next: respond, error: fail });
          } else {
            respond(result);
          }
        };
        try {
          const result: unknown = callback(data, ack);
          if (result instanceof Promise) {
            result.then(settle, fail);
          } else {
            settle(result);
          }
        } catch (error) {
          fail(error);
        }
      });
    }
  }
}
