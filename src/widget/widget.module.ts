import { Inject, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { AuthModule } from '../auth/auth.module.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { UsersModule } from '../users/users.module.js';
import { isDemoServed, registerWidgetPages } from './widget-pages.js';
import { WidgetController } from './widget.controller.js';
import { WidgetRepository } from './widget.repository.js';
import { WidgetService } from './widget.service.js';

@Module({
  imports: [AuthModule, UsersModule],
  controllers: [WidgetController],
  providers: [WidgetService, WidgetRepository],
})
export class WidgetModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly widget: WidgetService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    registerWidgetPages(fastify, this.config, this.widget.frameAncestors(isDemoServed(this.config)), (path) =>
      new Logger('Widget').warn(`No ${path} in ${this.config.webDistDir}: run "npm run build" to serve the website widget`),
    );
  }
}
