import { Injectable } from '@nestjs/common';
import { hashPassword } from './passwords.js';
import { DomainError, ErrorCode } from '../common/errors.js';
import type { UserRow } from '../database/schema.js';
import { type AccountState, EmailTakenError, UsersRepository } from './users.repository.js';
import type { CreateUserInput, ListUsersQuery, UserView } from '../contract/users.js';

export function toUserView(row: UserRow): UserView {
  return { id: row.id, email: row.email, name: row.name, role: row.role, createdAt: row.createdAt.toISOString(), isActive: row.isActive };
}

@Injectable()
export class UsersService {
  constructor(private readonly users: UsersRepository) {}

  async create(input: CreateUserInput): Promise<UserRow> {
    const passwordHash = await hashPassword(input.password);
    try {
      return await this.users.insert({ email: input.email, name: input.name, role: input.role, passwordHash });
    } catch (error) {
      if (error instanceof EmailTakenError) {
        throw new DomainError(ErrorCode.EMAIL_TAKEN, 'An account with this email already exists');
      }
      throw error;
    }
  }

  async list(query: ListUsersQuery): Promise<{ items: UserView[]; nextCursor?: number }> {
    const rows = await this.users.list({ query: query.q, role: query.role, afterId: query.cursor, limit: query.limit + 1 });
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    return { items: page.map(toUserView), nextCursor: rows.length > query.limit && last ? last.id : undefined };
  }

  findById(id: number): Promise<UserRow | undefined> {
    return this.users.findById(id);
  }

  accountStates(ids: number[]): Promise<(AccountState | undefined)[]> {
    return this.users.accountStates(ids);
  }

  findByEmail(email: string): Promise<UserRow | undefined> {
    return this.users.findByEmail(email);
  }

  upsertExternal(user: { externalId: string; email: string; name: string; role: UserRow['role'] }): Promise<UserRow> {
    return this.users.upsertExternal({ ...user, passwordHash: null }).catch((error: unknown) => {
      if (error instanceof EmailTakenError) {
        throw new DomainError(ErrorCode.UNAUTHORIZED, 'The token email belongs to a local account');
      }
      throw error;
    });
  }

  update(
    id: number,
    changes: { role?: UserRow['role']; name?: string; isActive?: boolean; passwordHash?: string },
    options: { bumpTokenVersion: boolean },
  ): Promise<UserRow | undefined> {
    return this.users.update(id, changes, options);
  }

  countActiveAdmins(): Promise<number> {
    return this.users.countActiveAdmins();
  }

  count(): Promise<number> {
    return this.users.count();
  }
}
