import { Inject, Injectable } from '@nestjs/common';
import type { Actor } from '../auth/actor.js';
import { DomainError, ErrorCode } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import type { EmailSettings, EmailSettingsView } from '../contract/email.js';
import { EmailNotificationsRepository } from './email-notifications.repository.js';
import { EmailTokens } from './email-tokens.js';

@Injectable()
export class EmailSettingsService {
  constructor(
    private readonly notifications: EmailNotificationsRepository,
    private readonly tokens: EmailTokens,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // One-click unsubscribe: the signed token names the user, no sign-in needed.
  async unsubscribe(token: string): Promise<void> {
    const userId = this.tokens.verifyUnsubscribeToken(token);
    if (userId === undefined || !(await this.notifications.setEmailNotifications(userId, false))) {
      throw new DomainError(ErrorCode.VALIDATION, 'This unsubscribe link is not valid', {
        issues: [{ path: 'token', message: 'is not a valid unsubscribe token' }],
      });
    }
  }

  async get(actor: Actor): Promise<EmailSettingsView> {
    const emailNotifications = (await this.notifications.emailNotificationsOf(actor.id)) ?? false;
    return { emailNotifications, isEmailConfigured: this.config.email.smtpUrl !== undefined };
  }

  async update(actor: Actor, settings: EmailSettings): Promise<EmailSettingsView> {
    await this.notifications.setEmailNotifications(actor.id, settings.emailNotifications);
    return { emailNotifications: settings.emailNotifications, isEmailConfigured: this.config.email.smtpUrl !== undefined };
  }
}
