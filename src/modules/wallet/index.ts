// Public surface of the wallet module (the ledger): what other modules may import. Nothing deeper.
export { WalletModule } from './wallet.module';
export { TopUpCommand } from './commands/top-up/top-up.command';
export { PayCommand } from './commands/pay/pay.command';
// Services other modules inject (holds, transfers, reports, events) and the account check before money moves.
export { LedgerService } from './ledger/ledger.service';
export type { Posting } from './ledger/ledger.service';
export { LedgerRepository } from './persistence/ledger.repository';
export type { WalletHead } from './persistence/ledger.repository';
export { WalletAccess } from './domain/wallet-access';
// The ledger's vocabulary (entry shape, ids, pages, running totals) and its refusals.
export * from './domain/ledger-entry';
export * from './domain/wallet.errors';
// The ledger's collections by name, for readers outside the module (reports, reconciliation); never written there.
export { LEDGER_ENTRIES_COLLECTION, WALLET_HEADS_COLLECTION } from './persistence/ledger.schemas';
