import nodemailer from 'nodemailer';

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
export function nodemailerSender(smtpUrl: string): MailSender {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(mail) {
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
      transport.close();
    },
  };
}
