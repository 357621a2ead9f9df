import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomBytes } from 'node:crypto';
import { StreamTickets, TICKET_TTL_SECONDS } from '../../services/stream-tickets';
import { IssueStreamTicketCommand } from './issue-stream-ticket.command';

export interface StreamTicketView {
  ticket: string;
  expires_in_seconds: number;
}

@CommandHandler(IssueStreamTicketCommand)
export class IssueStreamTicketHandler implements ICommandHandler<IssueStreamTicketCommand, StreamTicketView> {
  constructor(private readonly tickets: StreamTickets) {}

  async execute(cmd: IssueStreamTicketCommand): Promise<StreamTicketView> {
    const ticket = randomBytes(32).toString('base64url');
    await this.tickets.store(ticket, cmd.credential);
    return { ticket, expires_in_seconds: TICKET_TTL_SECONDS };
  }
}
