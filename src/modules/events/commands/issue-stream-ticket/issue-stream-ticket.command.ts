import type { StreamCredential } from '../../services/stream-credential';

/** Issues a single-use stream ticket standing for the caller's access token (for `EventSource`). */
export class IssueStreamTicketCommand {
  constructor(readonly credential: StreamCredential) {}
}
