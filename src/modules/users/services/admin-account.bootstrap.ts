import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../../../config/app-config';
import { normalisePhone } from '../domain/phone-number';
import { PhoneAlreadyRegisteredError } from '../domain/user.errors';
import { UsersRepository } from '../persistence/users.repository';
import { UserRegistrationService } from './user-registration.service';

export type AdminAccountOutcome = 'created' | 'exists' | 'skipped';

/**
 * Creates the administrator from `ADMIN_PHONE` / `ADMIN_PIN` when that phone number is not registered
 * yet. Idempotent, and safe when several processes boot at once: the phone-claim insert decides.
 * An existing account with that phone is left exactly as it is (its PIN is not reset).
 */
@Injectable()
export class AdminAccountBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminAccountBootstrap.name);

  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersRepository,
    private readonly registration: UserRegistrationService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.ensureAdminAccount();
    } catch (err) {
      this.logger.error(`could not ensure the admin account: ${(err as Error).message}`);
    }
  }

  /** Also callable by tooling (e.g. the example-data loader) through `app.get(AdminAccountBootstrap)`. */
  async ensureAdminAccount(): Promise<AdminAccountOutcome> {
    const phone = normalisePhone(this.config.adminPhone);
    if (!phone) {
      this.logger.error('ADMIN_PHONE is not an Indonesian mobile number; no admin account was created');
      return 'skipped';
    }
    const existing = await this.users.findByPhone(phone);
    if (existing) {
      if (existing.role !== 'ADMIN') this.logger.warn('ADMIN_PHONE belongs to an account without the ADMIN role');
      return 'exists';
    }
    try {
      const admin = await this.registration.register({
        firstName: 'Dompet',
        lastName: 'Administrator',
        phone,
        address: 'Dompet head office',
        pin: this.config.adminPin,
        role: 'ADMIN',
      });
      this.logger.log(`admin account created (user ${admin._id})`);
      return 'created';
    } catch (err) {
      if (err instanceof PhoneAlreadyRegisteredError) return 'exists';
      throw err;
    }
  }
}
