import type { Transporter } from 'nodemailer';
import { lazyImport } from '../common/lazy-import.js';

export const MAIL_SENDER = Symbol('MAIL_SENDER');

export interface OutgoingMail {
  from: string;
  to: { name: string; address: string };
  replyTo?: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  references?: string;
  headers: Record<string, string>;
}

export interface MailSender {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

// nodemailer speaks SMTP (STARTTLS, SMTPS, AUTH from the URL); timeouts keep one dead server from stalling
// the dispatcher for minutes.
// A mail server on this machine (a local relay such as Postfix, or a test sink) often offers STARTTLS with a
// self-signed certificate; nothing crosses the network there, so its certificate is not verified. Remote
// servers are verified (add ?tls.rejectUnauthorized=false to SMTP_URL to accept a self-signed one anyway).
function isLoopback(smtpUrl: string): boolean {
  const host = new URL(smtpUrl).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

// nodemailer is loaded and the transport made with the first mail sent, not at start.
export function nodemailerSender(smtpUrl: string): MailSender {
  let made: Transporter | undefined;
  const connect = lazyImport(async () => {
    const nodemailer = (await import('nodemailer')).default;
    made = nodemailer.createTransport({
      url: smtpUrl,
      ...(isLoopback(smtpUrl) ? { tls: { rejectUnauthorized: false } } : {}),
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
    return made;
  });
  return {
    async send(mail) {
      const transport = await connect();
      await transport.sendMail({
        from: mail.from,
        to: mail.to,
        replyTo: mail.replyTo,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        references: mail.references,
        headers: mail.headers,
      });
    },
    close() {
      made?.close();
    },
  };
}
