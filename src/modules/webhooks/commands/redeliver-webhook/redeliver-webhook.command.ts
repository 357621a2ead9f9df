import { Command } from '@nestjs/cqrs';
import type { RedeliveryDto } from '../../webhooks.views';

export class RedeliverWebhookCommand extends Command<RedeliveryDto> {
  constructor(
    readonly webhookId: string,
    readonly deliveryId: string,
  ) {
    super();
  }
}
