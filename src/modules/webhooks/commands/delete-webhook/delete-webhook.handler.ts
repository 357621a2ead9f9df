import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { WebhookNotFoundError } from '../../domain/webhook.errors';
import { WebhooksRepository } from '../../persistence/webhooks.repository';
import { DeleteWebhookCommand } from './delete-webhook.command';

/** Removes an endpoint: nothing more is dispatched to it, and queued attempts end as CANCELLED. */
@CommandHandler(DeleteWebhookCommand)
export class DeleteWebhookHandler implements ICommandHandler<DeleteWebhookCommand, { webhook_id: string; deleted: true }> {
  constructor(private readonly repo: WebhooksRepository) {}

  async execute(c: DeleteWebhookCommand): Promise<{ webhook_id: string; deleted: true }> {
    if (!(await this.repo.deleteEndpoint(c.webhookId))) throw new WebhookNotFoundError();
    return { webhook_id: c.webhookId, deleted: true };
  }
}
