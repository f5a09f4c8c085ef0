import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import type { Server, ServerOptions } from 'socket.io';
import type { AppConfig } from '../config/config.js';
import type { RedisClients } from '../redis/redis.js';
import { isAllowedOrigin } from './socket-origin.js';

const MAX_SOCKET_PAYLOAD_BYTES = 1_000_000;

// Server-wide Socket.IO options come from configuration, not from the gateway decorator. With Redis,
// events fan out to every instance through the Redis adapter (sharded pub/sub on Redis 7 if asked).
export class ChatSocketAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
    private readonly redis: RedisClients | undefined,
    private readonly isDraining: () => boolean,
  ) {
    super(app);
  }

  private redisAdapter() {
    const redis = this.redis;
    const options = this.config.redis;
    if (!redis || !options) {
      return undefined;
    }
    const key = `${options.prefix}:socket.io`;
    return options.sharded
      ? createShardedAdapter(redis.pub, redis.sub, { channelPrefix: key })
      : createAdapter(redis.pub, redis.sub, { key });
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
      adapter: this.redisAdapter(),
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
}
