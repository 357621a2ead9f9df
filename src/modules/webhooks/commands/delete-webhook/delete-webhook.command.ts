import { Command } from '@nestjs/cqrs';

export class DeleteWebhookCommand extends Command<{ webhook_id: string; deleted: true }> {
  constructor(readonly webhookId: string) {
    super();
  }
}
