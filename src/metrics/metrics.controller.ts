import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { bearerToken } from '../common/bearer-token.js';
import { DomainError, ErrorCode } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { MetricsService } from './metrics.service.js';

function sameSecret(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

// Prometheus text format; behind METRICS_TOKEN when one is configured.
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() reply: FastifyReply) {
    // Production without a token: as if there were no metrics (they describe traffic and internals).
    if (!this.config.metricsToken && this.config.env === 'production') {
      throw new DomainError(ErrorCode.NOT_FOUND, 'Not found');
    }
    if (this.config.metricsToken && !sameSecret(bearerToken(authorization), this.config.metricsToken)) {
      throw new DomainError(ErrorCode.UNAUTHORIZED, 'Metrics need the METRICS_TOKEN bearer token');
    }
    return reply.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
