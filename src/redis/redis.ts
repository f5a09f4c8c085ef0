import { Logger } from '@nestjs/common';
import type { Redis, RedisOptions } from 'ioredis';

export const REDIS = Symbol('REDIS');

// Three connections: commands, and the Socket.IO adapter's publisher and subscriber (a subscribed
// connection can run nothing else).
export interface RedisClients {
  command: Redis;
  pub: Redis;
  sub: Redis;
  close(): Promise<void>;
}

const logger = new Logger('Redis');

// While Redis is away, commands of the command and publisher connections fail at once (callers fall back:
// rate limits allow, presence is skipped, other instances catch up with sync) instead of waiting in a queue
// and slowing every send down. The subscriber keeps its queue so that its subscriptions survive a restart.
type RedisConstructor = new (url: string, options: RedisOptions) => Redis;

function client(RedisClient: RedisConstructor, url: string, role: string, options: { queueWhileDown: boolean }): Redis {
  const redis = new RedisClient(url, {
    // The subscriber's queued (p)subscribe calls wait for Redis however long it takes: the adapter does not catch
    // their rejection, so giving up after a few retries would be an unhandled rejection (a crash) when Redis is
    // down at startup.
    maxRetriesPerRequest: options.queueWhileDown ? null : 3,
    enableOfflineQueue: options.queueWhileDown,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    lazyConnect: false,
  });
  let isDown = false;
  redis.on('error', (error: Error) => {
    if (!isDown) {
      logger.warn(`${role} connection: ${error.message}`);
      isDown = true;
    }
  });
  redis.on('ready', () => {
    if (isDown) {
      logger.log(`${role} connection restored`);
    }
    isDown = false;
  });
  return redis;
}

// ioredis is loaded only when REDIS_URL is set: a single instance does not pay for it.
export async function createRedisClients(url: string): Promise<RedisClients> {
  const { Redis: RedisClient } = await import('ioredis');
  const command = client(RedisClient, url, 'command', { queueWhileDown: false });
  const pub = client(RedisClient, url, 'publisher', { queueWhileDown: false });
  const sub = client(RedisClient, url, 'subscriber', { queueWhileDown: true });
  // The adapter publishes without awaiting; a publish that fails while Redis is down must not become
  // an unhandled rejection (local sockets are served anyway, and clients catch up with sync).
  const publish = pub.publish.bind(pub);
  pub.publish = ((channel: string, message: string | Buffer) =>
    publish(channel, message).catch((error: unknown) => {
      logger.debug(`publish failed: ${error instanceof Error ? error.message : String(error)}`);
      return 0;
    })) as typeof pub.publish;
  const spublish = pub.spublish.bind(pub);
  pub.spublish = ((channel: string, message: string | Buffer) => spublish(channel, message).catch(() => 0)) as typeof pub.spublish;
  return {
    command,
    pub,
    sub,
    close: async () => {
      // QUIT waits in the offline queue while Redis is away (forever on the subscriber): only ask a live connection.
      await Promise.allSettled([command, pub, sub].filter((client) => client.status === 'ready').map((client) => client.quit()));
      command.disconnect();
      pub.disconnect();
      sub.disconnect();
    },
  };
}

export async function waitForRedis(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') {
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`Redis did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once('ready', onReady);
  });
}
