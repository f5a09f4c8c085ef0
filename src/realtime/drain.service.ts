import { Injectable, Logger } from '@nestjs/common';
import { RealtimePublisher } from './realtime.publisher.js';

// SIGTERM: stop taking sockets, send connected clients elsewhere, let in-flight sends commit and publish.
@Injectable()
export class DrainService {
  private readonly logger = new Logger(DrainService.name);
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  isDraining = false;

  constructor(private readonly publisher: RealtimePublisher) {}

  async track<T>(work: () => Promise<T>): Promise<T> {
    this.inFlight += 1;
    try {
      return await work();
    } finally {
      this.inFlight -= 1;
      if (this.inFlight === 0) {
        this.idleWaiters.splice(0).forEach((resolve) => resolve());
      }
    }
  }

  async drain(timeoutMs: number): Promise<void> {
    this.isDraining = true;
    const sockets = this.publisher.localSocketCount();
    this.publisher.sendLocal('serverDraining', { reconnect: true });
    this.publisher.closeLocalConnections();
    this.logger.log(`draining: closed ${sockets} socket(s), ${this.inFlight} send(s) in flight`);
    if (this.inFlight > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.idleWaiters.push(resolve)),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
    }
  }
}
