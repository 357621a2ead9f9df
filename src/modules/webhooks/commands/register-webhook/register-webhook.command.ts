import { Command } from '@nestjs/cqrs';
import type { CreatedWebhookView } from '../../webhooks.views';

export class RegisterWebhookCommand extends Command<CreatedWebhookView> {
  constructor(
    readonly adminId: string,
    readonly url: string,
    readonly eventTypes: string[],
    readonly description: string,
  ) {
    super();
  }
}
