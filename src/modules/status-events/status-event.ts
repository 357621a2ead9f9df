/**
 * The event types of changes that are not an entry of the user's own wallet: recorded in
 * `status_events` (a per-user sequence of its own, claimed by insert under a key unique per change).
 */
export const STATUS_EVENT_TYPES = ['transfer.succeeded', 'wallet.frozen', 'wallet.unfrozen'] as const;
export type StatusEventType = (typeof STATUS_EVENT_TYPES)[number];

/** The payload of `wallet.frozen` / `wallet.unfrozen`: `version` counts the wallet's status changes (1, 2, …). */
export interface WalletStatusData {
  user_id: string;
  wallet_frozen: boolean;
  version: number;
  updated_date: string;
}

/** The key that makes the sender's `transfer.succeeded` exist once, whoever records it. */
export function transferSucceededKey(transferId: string): string {
  return `${transferId}:SUCCEEDED`;
}

/** The key of the `version`-th status change of a user's wallet (freeze or unfreeze): one event per change. */
export function walletStatusKey(userId: string, version: number): string {
  return `${userId}:wallet-status:${version}`;
}
