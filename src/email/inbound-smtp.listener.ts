import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import type { SMTPServer, SMTPServerAddress, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { DomainError, ErrorCode } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { InboundEmailService } from './inbound-email.service.js';

// An SMTP reply: code and text, as smtp-server sends them back to the client.
function smtpError(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode });
}

// Permanent refusals (5xx) for what a retry cannot fix; 4xx (try later) for limits and outages.
function smtpErrorOf(error: unknown): Error {
  if (error instanceof DomainError) {
    if (error.code === ErrorCode.RATE_LIMITED) {
      return smtpError(451, `4.7.1 ${error.message}`);
    }
    if (error.code === ErrorCode.PAYLOAD_TOO_LARGE) {
      return smtpError(552, `5.3.4 ${error.message}`);
    }
    if (error.code !== ErrorCode.UNAVAILABLE && error.code !== ErrorCode.INTERNAL) {
      return smtpError(550, `5.7.1 ${error.message}`);
    }
  }
  return smtpError(451, '4.3.0 Temporary failure, try again later');
}

// INBOUND_SMTP_PORT: receives replies for INBOUND_DOMAIN (point the domain's MX record here). Recipients are
// checked at RCPT TO, so a forged or expired reply address is refused before any data is sent.
@Injectable()
export class InboundSmtpListener implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(InboundSmtpListener.name);
  private server?: SMTPServer;

  constructor(
    private readonly inbound: InboundEmailService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // The port it listens on (tests start it on port 0).
  get port(): number | undefined {
    const address: AddressInfo | string | null | undefined = this.server?.server.address();
    return address && typeof address !== 'string' ? address.port : undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    const options = this.config.email.inboundSmtp;
    const domain = this.config.email.inboundDomain;
    if (!options || !domain) {
      return;
    }
    const maxBytes = this.inbound.maxMailBytes;
    // Loaded only on servers that receive mail themselves.
    const { SMTPServer } = await import('smtp-server');
    const server = new SMTPServer({
      name: domain,
      banner: 'support chat replies',
      size: maxBytes,
      authOptional: true,
      // Mail exchangers deliver without AUTH; TLS is left to a relay in front when wanted.
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      maxClients: 100,
      socketTimeout: 60_000,
      // Shutdown waits this long for sessions in progress.
      closeTimeout: 2_000,
      onRcptTo: (address: SMTPServerAddress, _session: SMTPServerSession, callback: (error?: Error | null) => void) => {
        try {
          this.inbound.resolveAddress(address.address);
          callback();
        } catch (error) {
          callback(error instanceof DomainError ? smtpError(550, `5.1.1 ${error.message}`) : smtpErrorOf(error));
        }
      },
      onData: (stream: SMTPServerDataStream, session: SMTPServerSession, callback: (error?: Error | null) => void) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => {
          if (!stream.sizeExceeded) {
            chunks.push(chunk);
          }
        });
        stream.on('end', () => {
          if (stream.sizeExceeded) {
            callback(smtpError(552, `5.3.4 Mails are limited to ${maxBytes} bytes`));
            return;
          }
          const recipients = session.envelope.rcptTo.map((recipient) => recipient.address);
          this.inbound.receive(Buffer.concat(chunks), recipients).then(
            () => callback(),
            (error: unknown) => {
              if (!(error instanceof DomainError)) {
                this.logger.error(`inbound mail failed: ${error instanceof Error ? error.stack : String(error)}`);
              }
              callback(smtpErrorOf(error));
            },
          );
        });
      },
    });
    server.on('error', (error) => this.logger.warn(`inbound SMTP: ${error.message}`));
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.logger.log(`inbound SMTP for ${domain} listening on ${options.host}:${this.port ?? options.port}`);
  }

  async onModuleDestroy(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
}
