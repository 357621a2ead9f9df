import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { MongooseModule } from '@nestjs/mongoose';
import { StatusEventsModule } from '../status-events';
import { CreateUserHandler } from './commands/create-user/create-user.handler';
import { DeactivateUserHandler } from './commands/deactivate-user/deactivate-user.handler';
import { FreezeUserWalletHandler } from './commands/freeze-user-wallet/freeze-user-wallet.handler';
import { RepairWalletStatusesHandler } from './commands/repair-wallet-statuses/repair-wallet-statuses.handler';
import { RegisterUserHandler } from './commands/register-user/register-user.handler';
import { RegisterUserHttpController } from './register.http.controller';
import { UpdateProfileHandler } from './commands/update-profile/update-profile.handler';
import { UpdateUserHandler } from './commands/update-user/update-user.handler';
import { PinHasher } from './domain/pin-hasher';
import { UserAuthStateCache } from './persistence/user-auth-state.cache';
import { UserStates } from './persistence/user-states';
import { UserWriteLock } from './persistence/user-write-lock';
import { UserDocument, UserPhoneDocument, UserPhoneSchema, UserSchema } from './persistence/user.schema';
import { WalletStatusChangeDocument, WalletStatusChangeSchema } from './persistence/wallet-status-change.schema';
import { UsersRepository } from './persistence/users.repository';
import { ProfileHttpController } from './profile.http.controller';
import { FindUserByPhoneHandler } from './queries/find-user-by-phone/find-user-by-phone.handler';
import { GetProfileHandler } from './queries/get-profile/get-profile.handler';
import { GetUserHandler } from './queries/get-user/get-user.handler';
import { ListUserDirectoryHandler } from './queries/list-user-directory/list-user-directory.handler';
import { ListUsersHandler } from './queries/list-users/list-users.handler';
import { AdminAccountBootstrap } from './services/admin-account.bootstrap';
import { UserRegistrationService } from './services/user-registration.service';
import { WalletStatusService } from './services/wallet-status.service';
import { UsersHttpController } from './users.http.controller';

export const UserCommandHandlers = [
  RegisterUserHandler,
  CreateUserHandler,
  UpdateUserHandler,
  DeactivateUserHandler,
  FreezeUserWalletHandler,
  RepairWalletStatusesHandler,
  UpdateProfileHandler,
];

export const UserQueryHandlers = [GetProfileHandler, GetUserHandler, ListUsersHandler, ListUserDirectoryHandler, FindUserByPhoneHandler];

@Module({
  imports: [
    CqrsModule,
    StatusEventsModule,
    MongooseModule.forFeature([
      { name: UserDocument.name, schema: UserSchema },
      { name: UserPhoneDocument.name, schema: UserPhoneSchema },
      { name: WalletStatusChangeDocument.name, schema: WalletStatusChangeSchema },
    ]),
  ],
  controllers: [RegisterUserHttpController, ProfileHttpController, UsersHttpController],
  providers: [
    UsersRepository,
    PinHasher,
    UserAuthStateCache,
    UserWriteLock,
    UserStates,
    UserRegistrationService,
    WalletStatusService,
    AdminAccountBootstrap,
    ...UserCommandHandlers,
    ...UserQueryHandlers,
  ],
  exports: [UsersRepository, PinHasher, UserAuthStateCache, UserWriteLock, UserStates, AdminAccountBootstrap],
})
export class UsersModule {}
