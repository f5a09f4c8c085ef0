import { Body, Controller, Get, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { userSchema } from '../contract/users.js';
import type { FastifyReply } from 'fastify';
import { Authenticated } from './auth.guard.js';
import { ApiZodBody, ApiZodQuery, ApiZodResponse } from '../common/openapi.js';
import { nextLink } from '../common/pagination.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { type CreateUserInput, createUserSchema, type ListUsersQuery, listUsersQuerySchema } from '../contract/users.js';
import { toUserView, UsersService } from '../users/users.service.js';
import { idPathSchema } from '../contract/common.js';
import { type UpdateUserInput, updateUserSchema } from '../contract/sessions.js';
import type { Actor } from './actor.js';
import { AccountsService } from './accounts.service.js';
import { CurrentActor } from './auth.guard.js';

@ApiTags('users')
@Controller('users')
@Authenticated({ admin: true })
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly accounts: AccountsService,
  ) {}

  @Patch(':id')
  @ApiZodResponse(200, userSchema)
  @ApiOperation({
    summary: 'Change an account (admins only): role, name, isActive. A role change or deactivation ends its access tokens and sockets',
  })
  @ApiZodBody(updateUserSchema)
  update(
    @CurrentActor() actor: Actor,
    @Param(new ZodValidationPipe(idPathSchema)) params: { id: number },
    @Body(new ZodValidationPipe(updateUserSchema)) body: UpdateUserInput,
  ) {
    return this.accounts.update(actor, params.id, body);
  }

  @Post()
  @ApiZodResponse(201, userSchema)
  @ApiOperation({ summary: 'Create an account (admins only); role USER or ADMIN' })
  @ApiZodBody(createUserSchema)
  async create(@Body(new ZodValidationPipe(createUserSchema)) body: CreateUserInput) {
    return toUserView(await this.users.create(body));
  }

  @Get()
  @ApiZodResponse(200, z.array(userSchema))
  @ApiOperation({ summary: 'List accounts (admins only), filtered by name/email; next page in the Link header' })
  @ApiZodQuery(listUsersQuerySchema)
  async list(@Query(new ZodValidationPipe(listUsersQuerySchema)) query: ListUsersQuery, @Res({ passthrough: true }) reply: FastifyReply) {
    const page = await this.users.list(query);
    if (page.nextCursor !== undefined) {
      reply.header('Link', nextLink('/users', { q: query.q, role: query.role, limit: query.limit, cursor: page.nextCursor }));
    }
    return page.items;
  }
}
