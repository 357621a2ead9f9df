import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class RefreshTokenRequestDto {
  @ApiProperty({ example: 'r8Vt0d3m6bKQm1xq9hM2c1wP3k8s0fJ4y7uA5zL2nEo', minLength: 1, maxLength: 200, description: 'The refresh_token of the last login or refresh' })
  @IsString({ message: 'refresh_token must be a string' })
  @IsNotEmpty({ message: 'refresh_token must not be empty' })
  @MaxLength(200, { message: 'refresh_token must be at most 200 characters' })
  refresh_token!: string;
}
