// Public surface of the users module (accounts, profiles, wallet status): what other modules may import.
export { UsersModule } from './users.module';
export { RegisterUserCommand } from './commands/register-user/register-user.command';
export { CreateUserCommand } from './commands/create-user/create-user.command';
export { UpdateUserCommand } from './commands/update-user/update-user.command';
export { UpdateProfileCommand } from './commands/update-profile/update-profile.command';
export { DeactivateUserCommand } from './commands/deactivate-user/deactivate-user.command';
export { FreezeUserWalletCommand } from './commands/freeze-user-wallet/freeze-user-wallet.command';
export { RepairWalletStatusesCommand } from './commands/repair-wallet-statuses/repair-wallet-statuses.command';
export { GetUserQuery } from './queries/get-user/get-user.query';
export { GetProfileQuery } from './queries/get-profile/get-profile.query';
export { ListUsersQuery } from './queries/list-users/list-users.query';
export { ListUserDirectoryQuery } from './queries/list-user-directory/list-user-directory.query';
export { FindUserByPhoneQuery } from './queries/find-user-by-phone/find-user-by-phone.query';
// Asked by the profile, answered by the wallet module (see the file for why it is declared here).
export { GetWalletBalanceQuery } from './queries/get-profile/get-wallet-balance.query';
// Providers UsersModule exports (auth, wallet, reports, transfers inject them).
export { UsersRepository } from './persistence/users.repository';
export type { UserRecord } from './persistence/users.repository';
export { UserAuthStateCache, authStateOf } from './persistence/user-auth-state.cache';
export type { UserAuthState } from './persistence/user-auth-state.cache';
export { UserWriteLock } from './persistence/user-write-lock';
export { UserStates } from './persistence/user-states';
export type { UserState } from './persistence/user-states';
export { PinHasher } from './domain/pin-hasher';
export { AdminAccountBootstrap } from './services/admin-account.bootstrap';
// The phone number and PIN rules, shared with auth's request bodies so both validate alike.
export { normalisePhone } from './domain/phone-number';
export { PhoneNumberField, PinField } from './http/user-fields';
