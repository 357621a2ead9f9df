import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { MongooseModule } from '@nestjs/mongoose';
import { UserDocument, UserPhoneDocument, UserPhoneSchema, UserSchema } from './persistence/user.schema';
import { UsersRepository } from './persistence/users.repository';

@Module({
  imports: [
    CqrsModule,
    MongooseModule.forFeature([
      { name: UserDocument.name, schema: UserSchema },
      { name: UserPhoneDocument.name, schema: UserPhoneSchema },
    ]),
  ],
  providers: [UsersRepository],
  exports: [UsersRepository],
})
export class UsersModule {}
