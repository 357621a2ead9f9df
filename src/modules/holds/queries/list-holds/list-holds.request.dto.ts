import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { UuidPageRequestDto } from '../../../../common/http/page-request';
import { HOLD_STATUSES, HoldStatus } from '../../domain/hold';

export class ListHoldsRequestDto extends UuidPageRequestDto {
  @ApiPropertyOptional({ enum: HOLD_STATUSES, description: 'Only holds in this state' })
  @IsOptional()
  @IsIn(HOLD_STATUSES, { message: `status must be one of ${HOLD_STATUSES.join(', ')}` })
  status?: HoldStatus;
}
