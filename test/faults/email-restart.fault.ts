import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAccount, DEMO_ADMIN, login } from '../support/accounts.js';
import { mailsAfterQuietPeriod, type SmtpSink, startSmtpSink } from '../support/email/smtp-sink.js';
import { FaultEnvironment, faultSuiteSkip } from './support/environment.js';

// Long enough to kill the instance while the email is scheduled but not yet due.
const DELAY_MS = 3_000;

describe('kill -9 between scheduling an email and sending it', { skip: faultSuiteSkip(), timeout: 120_000 }, () => {
  let sink: SmtpSink;
  let env: FaultEnvironment;

  before(async () => {
    sink = await startSmtpSink();
    env = await FaultEnvironment.start({
      name: 'email',
      instances: 1,
      serverEnv: {
        SMTP_URL: sink.url,
        EMAIL_FROM: 'Support <support@example.test>',
        PUBLIC_URL: 'https://chat.example.test',
        EMAIL_NOTIFY_DELAY_MS: String(DELAY_MS),
        ADMIN_EMAIL_NOTIFICATIONS: 'false',
      },
    });
  });
  after(async () => {
    await env?.close();
    await sink?.close();
  });

  it('sends the email once after the restart', { timeout: 90_000 }, async () => {
    const server = env.server('A');
    const api = env.api(server);
    const admin = await login(api, DEMO_ADMIN.email, DEMO_ADMIN.password);
    const user = await createAccount(api, 'USER');
    const sent = await api('POST', '/chat/messages', {
      token: admin.token,
      body: { userId: user.id, content: 'Sent just before the crash' },
    });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    const sentAt = Date.now();

    server.kill('SIGKILL');
    const exit = await server.exited;
    assert.equal(exit.signal, 'SIGKILL');
    assert.ok(exit.at - sentAt < DELAY_MS, `killed ${exit.at - sentAt} ms after the send, after the email was due`);
    assert.equal(sink.to(user.email).length, 0, 'nothing was sent before the crash');

    server.start();
    await server.waitReady();
    const mail = await sink.waitForMail(user.email, { timeoutMs: 30_000 });
    assert.match(mail.parsed.text ?? '', /Sent just before the crash/);
    assert.equal((await mailsAfterQuietPeriod(sink, user.email, DELAY_MS)).length, 1);
    console.log(`sent=1 acknowledged=1 stored=1 received=${sink.to(user.email).length} (email after kill -9 and restart)`);
  });
});
