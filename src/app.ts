import 'reflect-metadata';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { HttpExceptionFilter } from './common/http-exception.filter.js';
import type { AppConfig } from './config/config.js';
import { openDatabase } from './database/database.js';
import { ChatSocketAdapter } from './realtime/socket-io.adapter.js';
import { seedDemoAccounts } from './users/demo-accounts.js';
import { UsersService } from './users/users.service.js';
import { serveWebApp } from './web/web-app.js';

const BODY_LIMIT_BYTES = 1_048_576;

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

// Builds the whole application (database opened and migrated) without listening, so tests start it with their own config.
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const database = await openDatabase(config.database, { migrate: true });
  try {
    const adapter = new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES, return503OnClosing: true });
    const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config, database), adapter, {
      bufferLogs: true,
    });
    app.useLogger(app.get(Logger));
    app.useGlobalFilters(new HttpExceptionFilter());
    app.useWebSocketAdapter(new ChatSocketAdapter(app, config));
    if (config.corsOrigins.length > 0) {
      app.enableCors({ origin: config.corsOrigins, exposedHeaders: ['Link'], maxAge: 600 });
    }
    const fastify = app.getHttpAdapter().getInstance();
    fastify.addHook('onSend', async (_request, reply) => {
      reply.header('X-Content-Type-Options', 'nosniff');
      reply.header('X-Frame-Options', 'DENY');
      reply.header('Referrer-Policy', 'no-referrer');
    });
    setupOpenApi(app);
    const servesWeb = await serveWebApp(app, config.webDistDir);
    await app.init();
    if (!servesWeb) {
      new NestLogger('WebApp').warn(`No web app build in ${config.webDistDir}: run "npm run build" to serve it at /`);
    }
    if (config.seedDemo) {
      await seedDemoAccounts(app.get(UsersService));
    }
    return app;
  } catch (error) {
    await database.close().catch(() => undefined);
    throw error;
  }
}
