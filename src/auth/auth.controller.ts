import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { publicOptionsSchema, sessionSchema } from '../contract/auth.js';
import { userSchema } from '../contract/users.js';
import { ApiZodBody, ApiZodResponse } from '../common/openapi.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import type { Actor } from './actor.js';
import { Authenticated, CurrentActor } from './auth.guard.js';
import { type LoginInput, loginSchema, type RegisterInput, registerSchema } from '../contract/auth.js';
import { AuthService } from './auth.service.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @ApiZodResponse(200, sessionSchema)
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with email and password; returns {accessToken, user}' })
  @ApiZodBody(loginSchema)
  login(@Body(new ZodValidationPipe(loginSchema)) body: LoginInput, @Ip() ip: string) {
    return this.auth.login(body, ip);
  }

  @Post('register')
  @ApiZodResponse(201, sessionSchema)
  @ApiOperation({ summary: 'Create a USER account (unless ALLOW_REGISTRATION=false) and sign in' })
  @ApiZodBody(registerSchema)
  register(@Body(new ZodValidationPipe(registerSchema)) body: RegisterInput, @Ip() ip: string) {
    return this.auth.register(body, ip);
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
}
