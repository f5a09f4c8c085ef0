import { sql } from 'drizzle-orm';
import { DATABASE, type Database } from '../../../src/database/database.js';
import { rawRows } from '../../../src/database/raw-rows.js';
import type { TestServer } from '../server.js';
import type { HttpRecorder, RecordedRequest } from './http-recorder.js';
import { verifySignature } from './signature.js';

export interface Delivery {
  request: RecordedRequest;
  rawBody: string;
  body: { id: number; event: string; createdAt: string; data: any };
  signature: ReturnType<typeof verifySignature>;
}

export function deliveriesOf(receiver: HttpRecorder, secret: string): Delivery[] {
  return receiver.requests.map((request) => {
    const rawBody = request.body.toString('utf8');
    return {
      request,
      rawBody,
      body: JSON.parse(rawBody),
      signature: verifySignature(secret, request.headers['x-chat-signature'] as string | undefined, rawBody),
    };
  });
}

export interface OutboxRow {
  id: number;
  event: string;
  payload: any;
  attempts: number;
  last_error: string | null;
  is_delivered: boolean;
}

// The table itself, read through the running server's database handle.
export function outboxRows(server: TestServer): Promise<OutboxRow[]> {
  const db = server.app.get<symbol, Database>(DATABASE);
  return rawRows<OutboxRow>(
    db,
    sql`select id::int as id, event, payload, attempts, last_error, delivered_at is not null as is_delivered from webhook_outbox order by id`,
  );
}
