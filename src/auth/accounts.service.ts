import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '../common/errors.js';
import type { UpdateUserInput } from '../contract/sessions.js';
import { toUserView, UsersService } from '../users/users.service.js';
import type { UserView } from '../contract/users.js';
import type { Actor } from './actor.js';
import { SessionsService } from './sessions.service.js';

// Account management by admins: role, name, deactivation, and what each change does to live sessions.
@Injectable()
export class AccountsService {
  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
  ) {}

  async update(actor: Actor, userId: number, input: UpdateUserInput): Promise<UserView> {
    const user = await this.users.findById(userId);
    if (!user) {
      throw new DomainError(ErrorCode.USER_NOT_FOUND, 'User not found');
    }
    const losesAdmin = user.role === 'ADMIN' && user.isActive && (input.role === 'USER' || input.isActive === false);
    if (losesAdmin && (await this.users.countActiveAdmins()) <= 1) {
      throw new DomainError(ErrorCode.CONFLICT, 'This is the last active admin: make another admin first');
    }
    if (userId === actor.id && input.isActive === false) {
      throw new DomainError(ErrorCode.CONFLICT, 'You cannot deactivate your own account');
    }
    const roleChanges = input.role !== undefined && input.role !== user.role;
    const deactivates = input.isActive === false && user.isActive;
    const updated = await this.users.update(
      userId,
      { role: input.role, name: input.name, isActive: input.isActive },
      // A role change keeps the sessions (the next refresh carries the new role) but ends every access token
      // and socket made under the old one.
      { bumpTokenVersion: roleChanges || deactivates },
    );
    if (!updated) {
      throw new DomainError(ErrorCode.USER_NOT_FOUND, 'User not found');
    }
    if (deactivates) {
      await this.sessions.revokeAll(userId);
    } else if (roleChanges) {
      this.sessions.announceAccountChange(userId);
    }
    return toUserView(updated);
  }
}
