import { Global, Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module.js';
import { AccountsController } from './accounts.controller.js';
import { AccountsService } from './accounts.service.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { LoginThrottle } from './login-throttle.js';
import { SessionsRepository } from './sessions.repository.js';
import { SessionsService } from './sessions.service.js';
import { TokensService } from './tokens.service.js';

// Global: every controller's guard needs AuthService.
@Global()
@Module({
  imports: [UsersModule],
  controllers: [AuthController, AccountsController],
  providers: [AuthService, TokensService, AuthGuard, SessionsService, SessionsRepository, LoginThrottle, AccountsService],
  exports: [AuthService, AuthGuard, SessionsService],
})
export class AuthModule {}
