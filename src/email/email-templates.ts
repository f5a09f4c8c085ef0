// Notification emails: a plain-text part and an HTML part built from the same data. Every piece of message
// text is escaped, so a message such as <img src=x onerror=…> arrives as text, never as markup.

export interface EmailedMessage {
  senderName: string;
  content: string;
  createdAt: Date;
  fileNames: string[];
}

export interface NotificationContent {
  // reply: agents answered a user; new-conversation: a user wrote while no admin was online; assigned: a
  // user is waiting in a conversation assigned to the (offline) admin.
  kind: 'reply' | 'new-conversation' | 'assigned';
  recipientName: string;
  customerName: string;
  messages: EmailedMessage[];
  continueUrl: string;
  unsubscribeUrl: string;
  canReplyByEmail: boolean;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

// Header values must be one line: names come from user input.
const oneLine = (value: string) => value.replace(/[\r\n\t]+/g, ' ').trim();

function namesOf(messages: EmailedMessage[]): string {
  const names = [...new Set(messages.map((message) => oneLine(message.senderName)))];
  return names.length <= 1 ? (names[0] ?? 'Support') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

function subjectOf(content: NotificationContent): string {
  const count = content.messages.length;
  if (content.kind === 'new-conversation') {
    return `New conversation from ${oneLine(content.customerName)}`;
  }
  if (content.kind === 'assigned') {
    return `${oneLine(content.customerName)} is waiting for you`;
  }
  return `${count === 1 ? 'New reply' : `${count} new replies`} from ${namesOf(content.messages)}`;
}

const time = (date: Date) => date.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

function introOf(content: NotificationContent): string {
  switch (content.kind) {
    case 'new-conversation':
      return `${oneLine(content.customerName)} started a conversation while no one from support was online.`;
    case 'assigned':
      return `${oneLine(content.customerName)} wrote in a conversation assigned to you.`;
    case 'reply':
      return `${namesOf(content.messages)} answered you in your support conversation.`;
  }
}

export function renderNotification(content: NotificationContent): RenderedEmail {
  const replyHint = content.canReplyByEmail ? 'Reply to this email to answer, or continue in the chat:' : 'Continue in the chat:';
  const text = [
    `Hello ${oneLine(content.recipientName)},`,
    '',
    introOf(content),
    '',
    ...content.messages.flatMap((message) => [
      `${oneLine(message.senderName)} (${time(message.createdAt)}):`,
      ...(message.content ? [message.content] : []),
      ...message.fileNames.map((name) => `[attachment: ${oneLine(name)}]`),
      '',
    ]),
    replyHint,
    content.continueUrl,
    '',
    '--',
    `Stop these emails: ${content.unsubscribeUrl}`,
  ].join('\n');

  const messagesHtml = content.messages
    .map(
      (message) => `
      <tr><td style="padding:12px 0;border-top:1px solid #e5e7eb">
        <div style="font-size:13px;color:#4b5563"><strong style="color:#111827">${escapeHtml(oneLine(message.senderName))}</strong>
          &middot; ${escapeHtml(time(message.createdAt))}</div>
        ${message.content ? `<div style="margin-top:4px;font-size:15px;color:#111827;white-space:pre-wrap;word-wrap:break-word">${escapeHtml(message.content)}</div>` : ''}
        ${message.fileNames.map((name) => `<div style="margin-top:4px;font-size:13px;color:#374151">&#128206; ${escapeHtml(oneLine(name))}</div>`).join('')}
      </td></tr>`,
    )
    .join('');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(subjectOf(content))}</title></head>
<body style="margin:0;padding:24px;background:#f3f4f6;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif">
  <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px">
    <tr><td style="font-size:15px;color:#111827;padding-bottom:12px">Hello ${escapeHtml(oneLine(content.recipientName))},</td></tr>
    <tr><td style="font-size:15px;color:#111827;padding-bottom:12px">${escapeHtml(introOf(content))}</td></tr>
    ${messagesHtml}
    <tr><td style="padding:20px 0 8px;border-top:1px solid #e5e7eb">
      <a href="${escapeHtml(content.continueUrl)}" style="display:inline-block;background:#1d4ed8;color:#ffffff;text-decoration:none;padding:10px 18px;border-radius:6px;font-size:15px">Continue the conversation</a>
    </td></tr>
    ${content.canReplyByEmail ? '<tr><td style="font-size:13px;color:#4b5563">You can also reply to this email.</td></tr>' : ''}
  </table>
  <p style="max-width:560px;margin:16px auto 0;font-size:12px;color:#4b5563;text-align:center">
    <a href="${escapeHtml(content.unsubscribeUrl)}" style="color:#4b5563">Unsubscribe from these emails</a>
  </p>
</body></html>
`;
  return { subject: subjectOf(content), text, html };
}
