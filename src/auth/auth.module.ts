import { Module } from '@nestjs/common';
import { RateLimitModule } from '../rate-limit/rate-limit.module.js';
import { UsersModule } from '../users/users.module.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { TokensService } from './tokens.service.js';
import { UsersController } from './users.controller.js';

// Every module with guarded controllers imports this one (the guard needs AuthService).
@Module({
  imports: [UsersModule, RateLimitModule],
  controllers: [AuthController, UsersController],
  providers: [AuthService, TokensService, AuthGuard],
  exports: [AuthService, AuthGuard],
})
export class AuthModule {}
