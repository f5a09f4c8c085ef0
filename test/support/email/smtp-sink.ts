import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  isTls: boolean;
  envelopeTo: string[];
  raw: Buffer;
  parsed: ParsedMail;
  receivedAt: number;
}

export interface SmtpSink {
  // smtp://127.0.0.1:<port>, for SMTP_URL
  url: string;
  mails: ReceivedMail[];
  to(address: string): ReceivedMail[];
  // The next mail (already received or arriving) to `address` after `index` mails to it, or a rejection.
  waitForMail(address: string, options?: { index?: number; timeoutMs?: number }): Promise<ReceivedMail>;
  // Answers the next `count` DATA commands with a temporary failure (451).
  failNext(count: number): void;
  close(): Promise<void>;
}

// A real SMTP server on loopback that keeps what it receives: the mail server the chat sends to in tests.
export async function startSmtpSink(): Promise<SmtpSink> {
  const mails: ReceivedMail[] = [];
  const waiters = new Set<() => void>();
  let failures = 0;
  const server = new SMTPServer({
    authOptional: true,
    // STARTTLS stays on (with smtp-server's self-signed certificate), as on a default local mail server.
    disabledCommands: ['AUTH'],
    logger: false,
    closeTimeout: 500,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (failures > 0) {
          failures -= 1;
          callback(Object.assign(new Error('4.3.0 try again later (test sink)'), { responseCode: 451 }));
          return;
        }
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (parsed) => {
            mails.push({
              isTls: session.secure,
              envelopeTo: session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase()),
              raw,
              parsed,
              receivedAt: Date.now(),
            });
            for (const wake of waiters) {
              wake();
            }
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  const to = (address: string) => mails.filter((mail) => mail.envelopeTo.includes(address.toLowerCase()));
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    to,
    waitForMail(address, options = {}) {
      const index = options.index ?? 0;
      const timeoutMs = options.timeoutMs ?? 8_000;
      return new Promise((resolve, reject) => {
        const check = () => {
          const mail = to(address)[index];
          if (mail) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(mail);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no mail #${index + 1} to ${address} within ${timeoutMs} ms (got ${to(address).length})`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    failNext(count) {
      failures = count;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// Waits `ms` after the last action that could cause a mail, then says how many reached `address`.
export async function mailsAfterQuietPeriod(sink: SmtpSink, address: string, ms: number): Promise<ReceivedMail[]> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return sink.to(address);
}
