import { Controller, Get, Inject, NotFoundException, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { WEB_INDEX_HTML } from './web-app.js';

// Paths that belong to the API: an unknown one is a JSON 404, never the web app.
const API_PREFIXES = [
  '/auth',
  '/chat',
  '/users',
  '/health',
  '/docs',
  '/metrics',
  '/socket.io',
  '/assets',
  '/widget',
  '/widget.js',
  '/widget-demo',
];

// SPA fallback: any other GET that asks for HTML gets index.html, so client-side routes survive a reload.
@ApiExcludeController()
@Controller()
export class WebAppController {
  constructor(@Inject(WEB_INDEX_HTML) private readonly indexHtml: string | undefined) {}

  @Get('*')
  fallback(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const path = request.url.split('?')[0] ?? '/';
    const isApi = API_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
    const wantsHtml = (request.headers.accept ?? '').includes('text/html');
    if (isApi || !wantsHtml || this.indexHtml === undefined) {
      throw new NotFoundException();
    }
    return reply.header('Cache-Control', 'no-cache').type('text/html; charset=utf-8').send(this.indexHtml);
  }
}
