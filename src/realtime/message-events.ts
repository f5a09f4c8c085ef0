import { Injectable, Logger } from '@nestjs/common';
import type { MessageView } from '../conversations/conversation.views.js';

export interface StoredMessage {
  message: MessageView;
  conversationUserId: number;
}

type Listener = (event: StoredMessage) => Promise<void> | void;

// In-process hook after a message is stored and published, for side channels (push notifications)
// that must not slow down or fail a send.
@Injectable()
export class MessageEvents {
  private readonly logger = new Logger(MessageEvents.name);
  private readonly listeners: Listener[] = [];

  onStored(listener: Listener): void {
    this.listeners.push(listener);
  }

  stored(event: StoredMessage): void {
    for (const listener of this.listeners) {
      Promise.resolve()
        .then(() => listener(event))
        .catch((error: unknown) => this.logger.warn(`message listener failed: ${error instanceof Error ? error.message : String(error)}`));
    }
  }
}
