import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../auth/actor.js';
import { Authenticated, CurrentActor } from '../auth/auth.guard.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { type ReportQuery, reportQuerySchema } from '../contract/reports.js';
import { ReportsService } from './reports.service.js';

@ApiTags('reports')
@Controller('chat/reports')
@Authenticated()
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('overview')
  @ApiOperation({
    summary: 'Admins: open/unassigned/closed counts, median first response and resolution, CSAT, per agent, conversations per day',
  })
  overview(@CurrentActor() actor: Actor, @Query(new ZodValidationPipe(reportQuerySchema)) query: ReportQuery) {
    return this.reports.overview(actor, query);
  }
}
