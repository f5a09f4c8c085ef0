import { Logger, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { EventsModule } from '../events/events.module.js';
import { PresenceModule } from '../presence/presence.module.js';
import { PushSubscriptionsRepository } from './push-subscriptions.repository.js';
import { PushController } from './push.controller.js';
import { PushNotifier } from './push.notifier.js';
import { PushService } from './push.service.js';
import { loadVapidKeys, VAPID_KEYS } from './vapid-keys.js';
import { WebPushSender } from './web-push.sender.js';

// Web Push notifications for people with no connected socket.
@Module({
  imports: [AuthModule, EventsModule, PresenceModule],
  controllers: [PushController],
  providers: [
    {
      provide: VAPID_KEYS,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        const keys = loadVapidKeys(config);
        const logger = new Logger('PushModule');
        if (keys.source === 'generated') {
          logger.log(`generated VAPID keys into ${config.dataDir}/vapid.json`);
        }
        // Each instance generating its own keys would sign pushes the browsers' subscriptions do not accept.
        if (keys.source !== 'config' && config.database.kind === 'postgres') {
          logger.warn(
            `VAPID keys ${keys.source === 'generated' ? 'generated into' : 'read from'} ${config.dataDir}: with several instances set VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY so all share them`,
          );
        }
        return keys;
      },
    },
    PushSubscriptionsRepository,
    PushService,
    WebPushSender,
    PushNotifier,
  ],
})
export class PushModule {}
