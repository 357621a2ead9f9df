import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'dompet:isPublic';
export const ROLES = 'dompet:roles';

export type Role = 'USER' | 'ADMIN';

/** The authenticated principal attached to a request by the global auth guard. */
export interface AuthUser {
  userId: string;
  role: Role;
  sessionId: string;
  /** Whether the wallet is frozen, as the session check found it (undefined when it does not know). */
  walletFrozen?: boolean;
}

/** Opts a route out of the default-deny authentication guard. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Restricts a route to the given roles (checked after authentication). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES, roles);

export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): AuthUser => {
  return ctx.switchToHttp().getRequest().user as AuthUser;
});
