import { Inject, Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DATABASE_HANDLE, type DatabaseHandle } from '../database/database.js';
import { RealtimePublisher } from '../realtime/realtime.publisher.js';
import { REDIS, type RedisClients } from '../redis/redis.js';

// One registry per application instance (tests run several in one process).
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly messagesSent: Counter<'via'>;
  readonly deliveryLatency: Histogram;
  readonly appendBatchSize: Histogram;
  readonly httpLatency: Histogram<'method' | 'route' | 'status'>;

  constructor(publisher: RealtimePublisher, @Inject(DATABASE_HANDLE) database: DatabaseHandle, @Inject(REDIS) redis: RedisClients | null) {
    collectDefaultMetrics({ register: this.registry });
    if (redis) {
      new Gauge({
        name: 'chat_redis_up',
        help: '1 while this instance is connected to Redis, 0 while it runs degraded (own sockets only)',
        registers: [this.registry],
        collect() {
          this.set(redis.command.status === 'ready' ? 1 : 0);
        },
      });
    }
    new Gauge({
      name: 'chat_connected_sockets',
      help: 'Sockets connected to this instance on /chat',
      registers: [this.registry],
      collect() {
        this.set(publisher.localSocketCount());
      },
    });
    this.messagesSent = new Counter({
      name: 'chat_messages_sent_total',
      help: 'Messages stored and published',
      labelNames: ['via'],
      registers: [this.registry],
    });
    this.deliveryLatency = new Histogram({
      name: 'chat_message_delivery_seconds',
      help: 'From receiving a send to publishing the stored message to its receivers',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
    this.appendBatchSize = new Histogram({
      name: 'chat_append_batch_size',
      help: 'Sends stored by one batch statement (group commit)',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 200],
      registers: [this.registry],
    });
    this.httpLatency = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
    const pool = new Gauge({
      name: 'db_pool_connections',
      help: 'Database pool connections by state',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        const stats = database.poolStats();
        this.set({ state: 'total' }, stats.total);
        this.set({ state: 'idle' }, stats.idle);
        this.set({ state: 'waiting' }, stats.waiting);
      },
    });
    void pool;
  }
}
