import { Controller, Get, HttpStatus, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, MongooseHealthIndicator } from '@nestjs/terminus';
import { Public } from '../../common/decorators/auth.decorators';
import { DomainError } from '../../common/errors';
import { success } from '../../common/http/envelope';
import { RedisHealthIndicator } from './redis.health';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly mongoose: MongooseHealthIndicator,
    private readonly redis: RedisHealthIndicator,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process is up (does not check dependencies)' })
  @ApiOkResponse({ schema: { example: { status: 'SUCCESS', result: { alive: true } } } })
  live() {
    return success({ alive: true });
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: MongoDB and Redis both answer' })
  @ApiOkResponse({ schema: { example: { status: 'SUCCESS', result: { mongodb: 'up', redis: 'up' } } } })
  @ApiServiceUnavailableResponse({ schema: { example: { message: 'Not ready: redis is down', code: 'NOT_READY', checks: { mongodb: 'up', redis: 'down' } } } })
  async ready() {
    try {
      await this.health.check([() => this.mongoose.pingCheck('mongodb', { timeout: 1500 }), () => this.redis.pingCheck('redis')]);
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
