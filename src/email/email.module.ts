import { Logger, Module } from '@nestjs/common';
import { AttachmentsModule } from '../attachments/attachments.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { EventsModule } from '../events/events.module.js';
import { MessagesModule } from '../messages/messages.module.js';
import { MetricsModule } from '../metrics/metrics.module.js';
import { PresenceModule } from '../presence/presence.module.js';
import { RateLimitModule } from '../rate-limit/rate-limit.module.js';
import { UsersModule } from '../users/users.module.js';
import { EmailNotificationsRepository } from './email-notifications.repository.js';
import { EmailSettingsService } from './email-settings.service.js';
import { EmailTokens } from './email-tokens.js';
import { EmailController } from './email.controller.js';
import { EmailDispatcher } from './email.dispatcher.js';
import { InboundEmailService } from './inbound-email.service.js';
import { InboundSmtpListener } from './inbound-smtp.listener.js';
import { MAIL_SENDER, type MailSender, nodemailerSender } from './mail-sender.js';
import { RawMailBodyParsers } from './raw-mail-body.js';

// Email notifications for unread messages (SMTP_URL), and replies by email (INBOUND_SMTP_PORT and/or
// POST /chat/inbound-email).
@Module({
  imports: [EventsModule, MetricsModule, RateLimitModule, AuthModule, UsersModule, MessagesModule, PresenceModule, AttachmentsModule],
  controllers: [EmailController],
  providers: [
    { provide: EmailTokens, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new EmailTokens(config.auth.jwtSecret) },
    {
      provide: MAIL_SENDER,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): MailSender | null => {
        if (!config.email.smtpUrl) {
          return null;
        }
        if (!config.email.inboundDomain) {
          new Logger('EmailModule').log('INBOUND_DOMAIN is not set: notification emails carry no Reply-To, replies by email are off');
        }
        return nodemailerSender(config.email.smtpUrl);
      },
    },
    EmailNotificationsRepository,
    EmailDispatcher,
    EmailSettingsService,
    InboundEmailService,
    InboundSmtpListener,
    RawMailBodyParsers,
  ],
})
export class EmailModule {}
