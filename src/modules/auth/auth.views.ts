import { ApiProperty } from '@nestjs/swagger';

export class TokenPairDto {
  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIwMTkzYTRjMi01ZDFlLTdiMmEtOWMzZC00ZTVmNmE3YjhjOWQifQ.c2lnbmF0dXJl', description: 'JWT (HS256) for `Authorization: Bearer …`' })
  access_token!: string;

  @ApiProperty({ example: 'r8Vt0d3m6bKQm1xq9hM2c1wP3k8s0fJ4y7uA5zL2nEo', description: 'Opaque; exchange it once at POST /refresh-token' })
  refresh_token!: string;

  @ApiProperty({ enum: ['Bearer'], example: 'Bearer' })
  token_type!: 'Bearer';

  @ApiProperty({ type: 'integer', example: 300, description: 'Seconds until the access token expires' })
  expires_in!: number;
}

export class LoggedOutDto {
  @ApiProperty({ example: true }) logged_out!: true;
}

export class PinChangedDto {
  @ApiProperty({ format: 'uuid', example: '0193a4c2-5d1e-7b2a-9c3d-4e5f6a7b8c9d' }) user_id!: string;
  @ApiProperty({ example: 'PIN changed. Every session was signed out; log in again with the new PIN.' }) message!: string;
  @ApiProperty({ example: '2021-04-01 22:22:22', pattern: '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$' }) updated_date!: string;
}
