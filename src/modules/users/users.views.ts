import { ApiProperty } from '@nestjs/swagger';
import type { Role } from '../../common/decorators/auth.decorators';
import type { Pagination } from '../../common/http/envelope';
import { formatDateTime } from '../../common/util/time';
import { maskPhone } from './domain/phone-number';
import type { UserStatus } from './persistence/user.schema';
import type { UserRecord } from './persistence/users.repository';

/**
 * What the users routes answer. Each view lists its fields explicitly, so a PIN hash (or anything
 * added to the document later) can never leak by accident.
 */

const DATE = { example: '2021-04-01 22:21:21', pattern: '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$' };
const USER_ID = { format: 'uuid', example: '0193a4c2-5d1e-7b2a-9c3d-4e5f6a7b8c9d', description: 'UUID v7' };

/** The fields every full view of one account starts with. */
abstract class AccountDto {
  @ApiProperty(USER_ID) user_id!: string;
  @ApiProperty({ example: 'Guntur' }) first_name!: string;
  @ApiProperty({ example: 'Saputro' }) last_name!: string;
  @ApiProperty({ example: '0811255501', description: 'Stored national form' }) phone_number!: string;
  @ApiProperty({ example: 'Jl. Diponegoro No. 215' }) address!: string;
}

export class RegisteredUserDto extends AccountDto {
  @ApiProperty(DATE) created_date!: string;
}

export class AdminUserDto extends AccountDto {
  @ApiProperty({ enum: ['USER', 'ADMIN'], example: 'USER' }) role!: Role;
  @ApiProperty({ enum: ['ACTIVE', 'DEACTIVATED'], example: 'ACTIVE' }) status!: UserStatus;
  @ApiProperty({ example: false }) wallet_frozen!: boolean;
  @ApiProperty(DATE) created_date!: string;
  @ApiProperty({ ...DATE, example: '2021-04-02 08:00:00' }) updated_date!: string;
}

export class DirectoryEntryDto {
  @ApiProperty(USER_ID) user_id!: string;
  @ApiProperty({ example: 'Guntur' }) first_name!: string;
  @ApiProperty({ example: 'Saputro' }) last_name!: string;
  @ApiProperty({ example: '0811***501', description: 'First four and last three digits; the rest masked' }) phone_number_masked!: string;
}

export class ProfileDto extends AccountDto {
  @ApiProperty({ enum: ['USER', 'ADMIN'], example: 'USER' }) role!: Role;
  @ApiProperty({ example: false, description: 'An administrator froze this wallet: money cannot move until it is unfrozen' }) wallet_frozen!: boolean;
  @ApiProperty({ type: 'integer', example: 400000, description: 'Integer Rupiah' }) balance!: number;
  @ApiProperty(DATE) created_date!: string;
  @ApiProperty({ ...DATE, example: '2021-04-02 08:00:00' }) updated_date!: string;
}

export class ProfileUpdatedDto {
  @ApiProperty(USER_ID) user_id!: string;
  @ApiProperty({ example: 'Tom' }) first_name!: string;
  @ApiProperty({ example: 'Araya' }) last_name!: string;
  @ApiProperty({ example: 'Jl. Diponegoro No. 215' }) address!: string;
  @ApiProperty({ ...DATE, example: '2021-04-01 22:22:22' }) updated_date!: string;
}

export interface Page<T> {
  items: T[];
  pagination: Pagination;
}

/** The values of AccountDto's fields. */
function accountFields(user: UserRecord) {
  return { user_id: user._id, first_name: user.first_name, last_name: user.last_name, phone_number: user.phone_number, address: user.address };
}

export function toRegisteredUser(user: UserRecord, timeZone: string): RegisteredUserDto {
  return {
    ...accountFields(user),
    created_date: formatDateTime(new Date(user.created_at), timeZone),
  };
}

export function toAdminUser(user: UserRecord, timeZone: string): AdminUserDto {
  return {
    ...accountFields(user),
    role: user.role,
    status: user.status,
    wallet_frozen: user.wallet_frozen,
    created_date: formatDateTime(new Date(user.created_at), timeZone),
    updated_date: formatDateTime(new Date(user.updated_at), timeZone),
  };
}

export function toDirectoryEntry(user: UserRecord): DirectoryEntryDto {
  return {
    user_id: user._id,
    first_name: user.first_name,
    last_name: user.last_name,
    phone_number_masked: maskPhone(user.phone_number),
  };
}

export function toProfile(user: UserRecord, balance: number, timeZone: string): ProfileDto {
  return {
    ...accountFields(user),
    role: user.role,
    wallet_frozen: user.wallet_frozen,
    balance,
    created_date: formatDateTime(new Date(user.created_at), timeZone),
    updated_date: formatDateTime(new Date(user.updated_at), timeZone),
  };
}

export function toProfileUpdated(user: UserRecord, timeZone: string): ProfileUpdatedDto {
  return {
    user_id: user._id,
    first_name: user.first_name,
    last_name: user.last_name,
    address: user.address,
    updated_date: formatDateTime(new Date(user.updated_at), timeZone),
  };
}
