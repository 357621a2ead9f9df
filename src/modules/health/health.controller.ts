import { Controller, Get, HttpStatus, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { HealthCheckService } from '@nestjs/terminus';
import { Public } from '../../common/decorators/auth.decorators';
import { DomainError } from '../../common/errors';
import { ApiErrorExamples } from '../../common/http/api-error-examples';
import { ApiEnvelope } from '../../common/http/api-responses';
import { success } from '../../common/http/envelope';
import { DatabaseHealthIndicator } from './database.health';
import { RedisHealthIndicator } from './redis.health';

/** How long readiness waits for each dependency's ping before it calls it down. */
const READY_TIMEOUT_MS = 1500;

class LivenessDto {
  @ApiProperty({ type: Boolean, example: true }) alive!: true;
}

class ReadinessDto {
  @ApiProperty({ enum: ['up'], example: 'up' }) mongodb!: 'up';
  @ApiProperty({ enum: ['up'], example: 'up' }) redis!: 'up';
}

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: DatabaseHealthIndicator,
    private readonly redis: RedisHealthIndicator,
  ) {}

  @Get('live')
  @ApiOperation({ operationId: 'healthLive', summary: 'Liveness: the process is up (does not check dependencies)' })
  @ApiEnvelope(LivenessDto, { description: 'The process answers' })
  live() {
    return success({ alive: true });
  }

  @Get('ready')
  @ApiOperation({
    operationId: 'healthReady',
    summary: 'Readiness: MongoDB and Redis both answer',
    description: 'For load balancers: take the instance out of rotation while this answers 503.',
  })
  @ApiEnvelope(ReadinessDto, { description: 'Both dependencies answer' })
  @ApiErrorExamples({
    503: [{ summary: 'MongoDB or Redis does not answer; `checks` tells which', value: { message: 'Not ready: redis is down', code: 'NOT_READY', checks: { mongodb: 'up', redis: 'down' } } }],
  })
  async ready() {
    try {
      await this.health.check([() => this.database.pingCheck('mongodb', READY_TIMEOUT_MS), () => this.redis.pingCheck('redis', READY_TIMEOUT_MS)]);
      return success({ mongodb: 'up', redis: 'up' });
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      const details = ((err.getResponse() as { details?: Record<string, { status: string }> }).details ?? {}) as Record<string, { status: string }>;
      const checks = Object.fromEntries(Object.entries(details).map(([k, v]) => [k, v.status]));
      const down = Object.keys(checks).filter((k) => checks[k] !== 'up');
      throw new DomainError('NOT_READY', `Not ready: ${down.join(', ')} ${down.length > 1 ? 'are' : 'is'} down`, HttpStatus.SERVICE_UNAVAILABLE, { checks });
    }
  }
}
