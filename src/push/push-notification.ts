import type { MessageView } from '../contract/messages.js';
import type { PushNotificationPayload } from '../contract/push.js';

const MAX_BODY_CHARS = 140;
const MAX_NAME_CHARS = 60;

// By code points, so an emoji is never cut in half.
function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

// Users see "Support", never which admin answered; admins see who wrote.
export function notificationFor(message: MessageView): PushNotificationPayload {
  const from = message.sender.role === 'ADMIN' ? 'Support' : truncate(message.sender.name, MAX_NAME_CHARS);
  return {
    title: `New message from ${from}`,
    body: truncate(message.content, MAX_BODY_CHARS),
    conversationId: message.conversationId,
    messageId: message.id,
    url: `/?conversation=${message.conversationId}`,
  };
}

// The push service keeps only the newest undelivered notification per topic: one per conversation per device.
export const topicFor = (conversationId: number): string => `conversation-${conversationId}`;
