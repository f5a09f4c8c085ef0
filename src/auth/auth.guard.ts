import {
  applyDecorators,
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  Injectable,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBearerAuth } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { bearerToken } from '../common/bearer-token.js';
import { DomainError, ErrorCode } from '../common/errors.js';
import { type Actor, isAdmin } from './actor.js';
import { AuthService } from './auth.service.js';

const ADMIN_ONLY = 'auth:admin-only';

type AuthenticatedRequest = FastifyRequest & { actor?: Actor };

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly auth: AuthService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(request.headers.authorization);
    if (!token) {
      throw new DomainError(ErrorCode.UNAUTHORIZED, 'Missing bearer token (Authorization: Bearer <token>)');
    }
    request.actor = await this.auth.authenticate(token);
    const adminOnly = this.reflector.getAllAndOverride<boolean>(ADMIN_ONLY, [context.getHandler(), context.getClass()]);
    if (adminOnly && !isAdmin(request.actor)) {
      throw new DomainError(ErrorCode.FORBIDDEN, 'Only admins may do this');
    }
    return true;
  }
}

export function Authenticated(options: { admin?: boolean } = {}) {
  return applyDecorators(SetMetadata(ADMIN_ONLY, options.admin === true), UseGuards(AuthGuard), ApiBearerAuth());
}

export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext): Actor => {
  const actor = context.switchToHttp().getRequest<AuthenticatedRequest>().actor;
  if (!actor) {
    throw new DomainError(ErrorCode.UNAUTHORIZED, 'Not authenticated');
  }
  return actor;
});
