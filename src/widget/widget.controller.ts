import { Body, Controller, Get, HttpCode, Param, Patch, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../auth/actor.js';
import { Authenticated, CurrentActor } from '../auth/auth.guard.js';
import { sessionMeta } from '../auth/refresh-cookie.js';
import { ApiZodBody, ApiZodResponse } from '../common/openapi.js';
import { idPathSchema } from '../contract/common.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import {
  widgetConfigSchema,
  widgetContactFlagsSchema,
  widgetContactSchema,
  type WidgetContactUpdate,
  widgetContactUpdateSchema,
  type WidgetSessionInput,
  widgetSessionSchema,
  widgetSessionViewSchema,
} from '../contract/widget.js';
import { ownOriginOf } from './widget-pages.js';
import { WidgetService } from './widget.service.js';

@ApiTags('widget')
@Controller('widget')
export class WidgetController {
  constructor(private readonly widget: WidgetService) {}

  @Post('session')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Exchange a signed identity {id, hash} (or a host-app token, or a visitor id) for a USER session: {accessToken, ...}',
  })
  @ApiZodBody(widgetSessionSchema)
  @ApiZodResponse(200, widgetSessionViewSchema)
  session(@Body(new ZodValidationPipe(widgetSessionSchema)) body: WidgetSessionInput, @Req() request: FastifyRequest) {
    return this.widget.session(body, sessionMeta(request));
  }

  // Read by the loader on the product's page (another origin), before it shows anything.
  @Get('config')
  @ApiZodResponse(200, widgetConfigSchema)
  @ApiOperation({ summary: "Whether the calling page's origin may embed the widget, and whether visitors may chat anonymously" })
  config(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    reply.header('Access-Control-Allow-Origin', '*').header('Cache-Control', 'no-store');
    const origin = typeof request.headers.origin === 'string' ? request.headers.origin : undefined;
    return this.widget.publicConfig(origin, ownOriginOf(request));
  }

  @Patch('contact')
  @Authenticated()
  @ApiOperation({ summary: "A widget user's attributes and page, or a visitor's own (unverified) email" })
  @ApiZodBody(widgetContactUpdateSchema)
  @ApiZodResponse(200, widgetContactFlagsSchema)
  updateContact(@CurrentActor() actor: Actor, @Body(new ZodValidationPipe(widgetContactUpdateSchema)) body: WidgetContactUpdate) {
    return this.widget.updateContact(actor, body);
  }

  @Get('contacts/:id')
  @Authenticated({ admin: true })
  @ApiZodResponse(200, widgetContactSchema)
  @ApiOperation({ summary: 'What the widget knows about a user (email, external id, attributes, page, browser) and their conversations' })
  contact(@Param(new ZodValidationPipe(idPathSchema)) params: { id: number }) {
    return this.widget.contact(params.id);
  }
}
