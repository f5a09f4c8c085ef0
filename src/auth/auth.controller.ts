import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { publicOptionsSchema, reissuedSessionSchema, sessionSchema } from '../contract/auth.js';
import { userSchema } from '../contract/users.js';
import { ApiZodBody, ApiZodResponse } from '../common/openapi.js';
import { idPathSchema } from '../contract/common.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import {
  authSessionSchema,
  type ChangePasswordInput,
  changePasswordSchema,
  type RefreshInput,
  refreshSchema,
} from '../contract/sessions.js';
import type { Actor } from './actor.js';
import { bearerToken } from '../common/bearer-token.js';
import { Authenticated, CurrentActor } from './auth.guard.js';
import { type LoginInput, loginSchema, type RegisterInput, registerSchema } from '../contract/auth.js';
import { AuthService } from './auth.service.js';
import { clearRefreshCookie, readRefreshCookie, sessionMeta, setRefreshCookie } from './refresh-cookie.js';
import { SessionsService } from './sessions.service.js';
import type { SessionView } from './sessions.views.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
  ) {}

  @Post('login')
  @ApiZodResponse(200, sessionSchema)
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with email and password; returns {accessToken, refreshToken, user} and sets the refresh cookie' })
  @ApiZodBody(loginSchema)
  async login(
    @Body(new ZodValidationPipe(loginSchema)) body: LoginInput,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.withCookie(request, reply, await this.auth.login(body, sessionMeta(request)));
  }

  @Post('register')
  @ApiZodResponse(201, sessionSchema)
  @ApiOperation({ summary: 'Create a USER account (unless ALLOW_REGISTRATION=false) and sign in' })
  @ApiZodBody(registerSchema)
  async register(
    @Body(new ZodValidationPipe(registerSchema)) body: RegisterInput,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.withCookie(request, reply, await this.auth.register(body, sessionMeta(request)));
  }

  @Post('refresh')
  @ApiZodResponse(200, sessionSchema)
  @HttpCode(200)
  @ApiOperation({
    summary: 'A new access token and a new refresh token for the refresh token (cookie or body); the old one is used up',
  })
  @ApiZodBody(refreshSchema)
  async refresh(
    @Body(new ZodValidationPipe(refreshSchema)) body: RefreshInput,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    try {
      return this.withCookie(
        request,
        reply,
        await this.auth.refresh(body.refreshToken ?? readRefreshCookie(request), sessionMeta(request)),
      );
    } catch (error) {
      clearRefreshCookie(request, reply);
      throw error;
    }
  }

  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'End this session (the bearer token’s, or the one {refreshToken} belongs to): its refresh and access tokens stop working',
  })
  @ApiZodBody(refreshSchema)
  async logout(
    @Body(new ZodValidationPipe(refreshSchema)) body: RefreshInput,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    await this.auth.logout(bearerToken(request.headers.authorization), body.refreshToken ?? readRefreshCookie(request));
    clearRefreshCookie(request, reply);
  }

  @Post('logout-all')
  @HttpCode(204)
  @Authenticated()
  @ApiOperation({ summary: 'End every session of this account, on every device' })
  async logoutAll(@CurrentActor() actor: Actor, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.sessions.revokeAll(actor.id);
    clearRefreshCookie(request, reply);
  }

  @Get('sessions')
  @ApiZodResponse(200, z.array(authSessionSchema))
  @Authenticated()
  @ApiOperation({ summary: 'This account’s live sessions: device, IP, created, last used; `current` marks this one' })
  listSessions(@CurrentActor() actor: Actor) {
    return this.sessions.list(actor);
  }

  @Delete('sessions/:id')
  @HttpCode(204)
  @Authenticated()
  @ApiOperation({ summary: 'End one of this account’s sessions (404 when it is not one)' })
  async deleteSession(@CurrentActor() actor: Actor, @Param(new ZodValidationPipe(idPathSchema)) params: { id: number }) {
    await this.sessions.revokeOwn(actor.id, params.id);
  }

  @Post('password')
  @ApiZodResponse(200, reissuedSessionSchema)
  @HttpCode(200)
  @Authenticated()
  @ApiOperation({ summary: 'Change the password: other sessions end; this one continues with the new access token returned' })
  @ApiZodBody(changePasswordSchema)
  changePassword(@CurrentActor() actor: Actor, @Body(new ZodValidationPipe(changePasswordSchema)) body: ChangePasswordInput) {
    return this.auth.changePassword(actor, body.currentPassword, body.newPassword);
  }

  @Get('options')
  @ApiZodResponse(200, publicOptionsSchema)
  @ApiOperation({ summary: 'What this server allows, for sign-in pages and composers: {registration, maxMessageLength, ...}' })
  options() {
    return this.auth.publicOptions();
  }

  @Get('me')
  @ApiZodResponse(200, userSchema)
  @Authenticated()
  @ApiOperation({ summary: 'The signed-in account' })
  me(@CurrentActor() actor: Actor) {
    return this.auth.me(actor);
  }

  private withCookie(request: FastifyRequest, reply: FastifyReply, session: SessionView): SessionView {
    setRefreshCookie(request, reply, session.refreshToken, session.refreshExpiresAt);
    return session;
  }
}
