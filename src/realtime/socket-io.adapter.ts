import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, ServerOptions } from 'socket.io';
import type { AppConfig } from '../config/config.js';
import { isAllowedOrigin } from './socket-origin.js';

const MAX_SOCKET_PAYLOAD_BYTES = 1_000_000;

// Server-wide Socket.IO options come from configuration, not from the gateway decorator.
export class ChatSocketAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
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
      allowRequest: (request, callback) => {
        const allowed = isAllowedOrigin(request, corsOrigins);
        callback(allowed ? null : 'Origin not allowed', allowed);
      },
    } as ServerOptions);
  }
}
