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
  @ApiOperation({ summary: 'Readiness: the database (and Redis, when configured) answer; 503 otherwise or while draining' })
  ready() {
    if (this.drain.isDraining) {
      throw new DomainError(ErrorCode.UNAVAILABLE, 'Shutting down');
    }
    const redis = this.redis;
    return this.health.check([
      () =>
        this.indicators
          .check('database')
          .attempt(async () => {
            await this.database.ping();
            return { driver: this.database.kind };
          })
          .withTimeout(PING_TIMEOUT_MS),
      ...(redis
        ? [
            () =>
              this.indicators
                .check('redis')
                .attempt(async () => {
                  await redis.command.ping();
                })
                .withTimeout(PING_TIMEOUT_MS),
          ]
        : []),
    ]);
  }
}
