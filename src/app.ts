import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import multipart from '@fastify/multipart';
import { Logger } from 'nestjs-pino';
import { pino } from 'pino';
import { AppModule } from './app.module.js';
import { HttpExceptionFilter } from './common/http-exception.filter.js';
import type { AppConfig } from './config/config.js';
import { openDatabase } from './database/database.js';
import { MetricsService } from './metrics/metrics.service.js';
import { DrainService } from './realtime/drain.service.js';
import { RealtimePublisher } from './realtime/realtime.publisher.js';
import { createRedisClients, type RedisClients, waitForRedis } from './redis/redis.js';
import { ChatSocketAdapter, redisSocketAdapter } from './gateway/socket-io.adapter.js';
import { configurePasswordHashing } from './users/passwords.js';
import { applySecurityHeaders } from './common/security-headers.js';
import { announceFirstAdmin, seedDemoAccounts } from './users/demo-accounts.js';
import { UsersService } from './users/users.service.js';
import { serveWebApp } from './web/web-app.js';

const BODY_LIMIT_BYTES = 1_048_576;
const REDIS_STARTUP_WAIT_MS = 5_000;

// Redis down at startup is not fatal: this instance serves its own sockets and catches up when it returns.
async function connectRedis(config: AppConfig): Promise<RedisClients | undefined> {
  if (!config.redis) {
    return undefined;
  }
  const clients = await createRedisClients(config.redis.url);
  try {
    await waitForRedis(clients.command, REDIS_STARTUP_WAIT_MS);
  } catch (error) {
    new NestLogger('Redis').warn(
      `${error instanceof Error ? error.message : String(error)}; starting anyway, events reach other instances once it is back`,
    );
  }
  return clients;
}

function setupOpenApi(app: NestFastifyApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Support chat')
      .setDescription('REST API of the support chat. Realtime events live on the Socket.IO namespace /chat (see the README).')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/json' });
}

function trustProxyOption(trust: AppConfig['trustProxy']) {
  if (trust === false) {
    return {};
  }
  // A hop count: trust that many proxies in front of this server, the nearest first.
  const hops = trust;
  return { trustProxy: typeof hops === 'number' ? (_address: string, hop: number) => hop < hops : hops };
}

// Builds the whole application (database opened and migrated) without listening, so tests start it with their own config.
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  configurePasswordHashing(config.passwordScryptLogN);
  const database = await openDatabase(config.database, { migrate: true });
  let redis: RedisClients | undefined;
  try {
    redis = await connectRedis(config);
    const appLogger = pino({ level: config.logLevel, redact: ['req.headers.authorization'] });
    const adapter = new FastifyAdapter({
      bodyLimit: BODY_LIMIT_BYTES,
      return503OnClosing: true,
      // X-Forwarded-For / -Proto only from the proxies TRUST_PROXY names (off: the socket's peer is the client).
      ...trustProxyOption(config.trustProxy),
      // A loaded machine (tests beside a benchmark) can take longer than the 10 s default to register plugins.
      pluginTimeout: 60_000,
      genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => {
        const given = request.headers['x-request-id'];
        return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
      },
    });
    const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config, database, redis, appLogger), adapter, {
      bufferLogs: true,
    });
    app.useLogger(app.get(Logger));
    app.useGlobalFilters(new HttpExceptionFilter());
    const drain = app.get(DrainService);
    app.useWebSocketAdapter(new ChatSocketAdapter(app, config, await redisSocketAdapter(config, redis), () => drain.isDraining));
    if (redis) {
      app.get(RealtimePublisher).watchLink(redis.sub);
    }
    if (config.corsOrigins.length > 0) {
      app.enableCors({ origin: config.corsOrigins, exposedHeaders: ['Link'], maxAge: 600 });
    }
    const fastify = app.getHttpAdapter().getInstance();
    // Uploads are streamed: one file per request, bounded by MAX_ATTACHMENT_BYTES.
    await fastify.register(multipart, { limits: { fileSize: config.maxAttachmentBytes, files: 1, fields: 0, parts: 2, headerPairs: 50 } });
    const { httpLatency } = app.get(MetricsService);
    // One structured line per request, with its latency.
    fastify.addHook('onResponse', async (request, reply) => {
      const status = reply.statusCode;
      if (request.url !== '/health' && request.url !== '/metrics') {
        const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
        appLogger[level](
          { reqId: request.id, method: request.method, url: request.url, status, responseTimeMs: Math.round(reply.elapsedTime * 10) / 10 },
          'request',
        );
      }
      httpLatency.observe(
        { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    });
    fastify.addHook('onSend', async (request, reply) => {
      applySecurityHeaders(request, reply);
    });
    // Off in production unless DOCS_ENABLED=true: the API map helps attackers as much as integrators.
    if (config.docsEnabled) {
      setupOpenApi(app);
    }
    const servesWeb = await serveWebApp(app, config.webDistDir);
    await app.init();
    if (!servesWeb) {
      new NestLogger('WebApp').warn(`No web app build in ${config.webDistDir}: run "npm run build" to serve it at /`);
    }
    if (config.seedDemo) {
      await seedDemoAccounts(app.get(UsersService));
    } else {
      await announceFirstAdmin(app.get(UsersService));
    }
    return app;
  } catch (error) {
    await redis?.close();
    await database.close().catch(() => undefined);
    throw error;
  }
}
