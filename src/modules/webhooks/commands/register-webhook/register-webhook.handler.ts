import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { newId } from '../../../../common/util/ids';
import { AppConfig } from '../../../../config/app-config';
import { newWebhookSecret } from '../../domain/webhook-signature';
import { WebhooksRepository } from '../../persistence/webhooks.repository';
import { WebhookTargetGuard } from '../../services/webhook-target-guard';
import { CreatedWebhookView, webhookView } from '../../webhooks.views';
import { RegisterWebhookCommand } from './register-webhook.command';

/** Registers an endpoint after the SSRF guard; the secret is answered here only, never again. */
@CommandHandler(RegisterWebhookCommand)
export class RegisterWebhookHandler implements ICommandHandler<RegisterWebhookCommand, CreatedWebhookView> {
  constructor(
    private readonly repo: WebhooksRepository,
    private readonly guard: WebhookTargetGuard,
    private readonly config: AppConfig,
  ) {}

  async execute(c: RegisterWebhookCommand): Promise<CreatedWebhookView> {
    const url = await this.guard.check(c.url);
    const endpoint = {
      _id: newId(),
      url: url.toString(),
      event_types: c.eventTypes,
      secret: newWebhookSecret(),
      description: c.description,
      created_by: c.adminId,
      created_at: new Date(),
    };
    await this.repo.insertEndpoint(endpoint);
    return { ...webhookView(endpoint, this.config.timeZone), secret: endpoint.secret };
  }
}
