import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import type { Response } from 'express';
import { Public } from '../../common/decorators/auth.decorators';
import { ApiTextResponse } from '../../common/http/api-responses';

/** Prometheus scrape endpoint (`/metrics`), outside the API envelope. */
@ApiTags('health')
@Public()
@Controller()
export class MetricsController extends PrometheusController {
  @Get()
  @ApiOperation({
    operationId: 'metrics',
    summary: 'Prometheus metrics (text exposition format), outside the API envelope',
    description: 'Node.js process metrics and transfer outcomes for a Prometheus scraper. Not JSON: the body is the Prometheus text format 0.0.4.',
  })
  @ApiTextResponse({
    mediaType: 'text/plain',
    description: 'Prometheus text exposition format (`Content-Type: text/plain; version=0.0.4; charset=utf-8`)',
    example:
      '# HELP process_cpu_user_seconds_total Total user CPU time spent in seconds.\n' +
      '# TYPE process_cpu_user_seconds_total counter\n' +
      'process_cpu_user_seconds_total 0.42\n' +
      '# HELP dompet_transfers_settled_total Transfers settled, by outcome and failure reason\n' +
      '# TYPE dompet_transfers_settled_total counter\n' +
      'dompet_transfers_settled_total{outcome="SUCCESS",reason=""} 12\n',
  })
  override async index(@Res({ passthrough: true }) response: Response) {
    return super.index(response);
  }
}
