/** The events of a user after cursor `after` (a wallet seq), oldest first, at most `limit`. */
export class ReadEventsQuery {
  constructor(
    readonly userId: string,
    readonly after: number,
    readonly limit: number,
  ) {}
}
