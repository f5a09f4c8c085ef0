import { Module } from '@nestjs/common';
import { RateLimitModule } from '../rate-limit/rate-limit.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccountsService } from './accounts.service.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { LoginThrottle } from './login-throttle.js';
import { SessionsRepository } from './sessions.repository.js';
import { SessionsService } from './sessions.service.js';
import { TokensService } from './tokens.service.js';
import { UsersController } from './users.controller.js';

// Every module with guarded controllers imports this one (the guard needs AuthService).
@Module({
  imports: [UsersModule, RateLimitModule, RealtimeModule],
  controllers: [AuthController, UsersController],
  providers: [AuthService, TokensService, AuthGuard, SessionsService, SessionsRepository, LoginThrottle, AccountsService],
  exports: [AuthService, AuthGuard, SessionsService],
})
export class AuthModule {}
