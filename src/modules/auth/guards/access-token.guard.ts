import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AuthUser, IS_PUBLIC, Role, ROLES } from '../../../common/decorators/auth.decorators';
import { ForbiddenError, UnauthenticatedError } from '../../../common/errors';
import { SessionValidator } from '../services/session-validator.service';
import { TokenService } from '../services/token.service';

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i;

/**
 * The global, default-deny guard (registered as APP_GUARD): every route needs a valid access token
 * unless it is marked `@Public()`; `@Roles(...)` then restricts it to those roles (403 otherwise).
 * On success `request.user` is the `AuthUser`.
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly validator: SessionValidator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const request = context.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    const match = BEARER.exec(request.headers.authorization ?? '');
    if (!match) throw new UnauthenticatedError();
    const claims = await this.tokens.verifyAccessToken(match[1]);
    if (!claims) throw new UnauthenticatedError();
    const user = await this.validator.validate(claims);

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (roles?.length && !roles.includes(user.role)) throw new ForbiddenError();
    request.user = user;
    return true;
  }
}
