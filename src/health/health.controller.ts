import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DomainError, ErrorCode } from '../common/errors.js';
import { DATABASE_HANDLE, type DatabaseHandle } from '../database/database.js';
import { DrainService } from '../realtime/drain.service.js';
import { REDIS, type RedisClients } from '../redis/redis.js';

const PING_TIMEOUT_MS = 2_000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(DATABASE_HANDLE) private readonly database: DatabaseHandle,
    @Inject(REDIS) private readonly redis: RedisClients | null,
    private readonly drain: DrainService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Liveness: the process answers' })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    summary: 'Readiness: the database answers (503 otherwise or while draining); Redis being away is `redis: "degraded"`, not 503',
  })
  async ready() {
    if (this.drain.isDraining) {
      throw new DomainError(ErrorCode.UNAVAILABLE, 'Shutting down');
    }
    // Only what stops this instance from serving takes it out of the load balancer: without Redis it still serves
    // its own sockets (and catches up when Redis is back), so pulling every instance would turn an outage into a total one.
    const [result, redis] = await Promise.all([this.checkDatabase(), this.redisStatus()]);
    return { ...result, redis };
  }

  private async redisStatus(): Promise<'ok' | 'degraded' | 'off'> {
    const redis = this.redis;
    if (!redis) {
      return 'off';
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        redis.command.ping(),
        new Promise((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), PING_TIMEOUT_MS);
        }),
      ]);
      return 'ok';
    } catch {
      return 'degraded';
    } finally {
      clearTimeout(timer);
    }
  }

  private checkDatabase() {
    return this.health.check([
      () =>
        this.indicators
          .check('database')
          .attempt(async () => {
            await this.database.ping();
            return { driver: this.database.kind };
          })
          .withTimeout(PING_TIMEOUT_MS),
    ]);
  }
}
