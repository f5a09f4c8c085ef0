import { Body, Controller, Get, HttpCode, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../auth/actor.js';
import { Authenticated, CurrentActor } from '../auth/auth.guard.js';
import { DomainError, ErrorCode } from '../common/errors.js';
import { ApiZodBody, ApiZodQuery } from '../common/openapi.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { type EmailSettings, emailSettingsSchema, type UnsubscribeQuery, unsubscribeQuerySchema } from '../contract/email.js';
import { EmailSettingsService } from './email-settings.service.js';
import { InboundEmailService } from './inbound-email.service.js';

const UNSUBSCRIBED_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Unsubscribed</title></head>
<body style="font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;max-width:480px;margin:48px auto;padding:0 16px;color:#111827">
<h1 style="font-size:20px">You are unsubscribed</h1>
<p>You will no longer get emails about support messages. Replies still wait for you in the chat, and you can turn
emails back on there.</p>
</body></html>
`;

@ApiTags('email')
@Controller('chat')
export class EmailController {
  constructor(
    private readonly settings: EmailSettingsService,
    private readonly inbound: InboundEmailService,
  ) {}

  @Get('email/unsubscribe')
  @ApiOperation({ summary: 'The unsubscribe link of a notification email: turns email notifications off for its user' })
  @ApiZodQuery(unsubscribeQuerySchema)
  async unsubscribePage(
    @Query(new ZodValidationPipe(unsubscribeQuerySchema)) query: UnsubscribeQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    await this.settings.unsubscribe(query.token);
    void reply.type('text/html; charset=utf-8').header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    return UNSUBSCRIBED_PAGE;
  }

  @Post('email/unsubscribe')
  @HttpCode(200)
  @ApiOperation({ summary: 'RFC 8058 one-click unsubscribe (List-Unsubscribe-Post): turns email notifications off' })
  @ApiZodQuery(unsubscribeQuerySchema)
  async unsubscribe(@Query(new ZodValidationPipe(unsubscribeQuerySchema)) query: UnsubscribeQuery) {
    await this.settings.unsubscribe(query.token);
    return { emailNotifications: false };
  }

  @Get('email/settings')
  @Authenticated()
  @ApiOperation({ summary: 'Whether the signed-in account gets email notifications' })
  getSettings(@CurrentActor() actor: Actor) {
    return this.settings.get(actor);
  }

  @Put('email/settings')
  @Authenticated()
  @ApiOperation({ summary: 'Turn email notifications on or off for the signed-in account' })
  @ApiZodBody(emailSettingsSchema)
  putSettings(@CurrentActor() actor: Actor, @Body(new ZodValidationPipe(emailSettingsSchema)) body: EmailSettings) {
    return this.settings.update(actor, body);
  }

  @Post('inbound-email')
  @ApiOperation({
    summary:
      'Inbound webhook of a mail provider: the raw RFC 822 mail (message/rfc822) of a reply to reply+<token>@INBOUND_DOMAIN; INBOUND_EMAIL_SECRET as bearer token or Basic password',
  })
  async inboundEmail(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    this.inbound.requireInboundSecret(request.headers);
    const body: unknown = request.body;
    const raw = Buffer.isBuffer(body) ? body : typeof body === 'string' ? Buffer.from(body, 'utf8') : undefined;
    if (!raw) {
      throw new DomainError(ErrorCode.VALIDATION, 'Send the raw mail as the body (Content-Type: message/rfc822)');
    }
    const messages = await this.inbound.receive(raw);
    void reply.status(201);
    return { messages };
  }
}
