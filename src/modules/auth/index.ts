// Public surface of the auth module (sessions, tokens, the global guard): what other modules may import.
export { AuthModule } from './auth.module';
export { LoginCommand } from './commands/login/login.command';
export { LogoutCommand } from './commands/logout/logout.command';
export { RefreshTokenCommand } from './commands/refresh-token/refresh-token.command';
export { ChangePinCommand } from './commands/change-pin/change-pin.command';
export { TokenPairDto } from './auth.views';
// For entry points that authenticate outside Nest's guards (the event stream, the queue dashboard).
export { TokenService } from './services/token.service';
export type { AccessClaims } from './services/token.service';
export { SessionValidator } from './services/session-validator.service';
