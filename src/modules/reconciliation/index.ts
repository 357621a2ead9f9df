// Public surface of the reconciliation module: whole-system checks of the money (the ledger against
// transfers and holds). It reads the collections that wallet, transfers and holds name in their own
// public surfaces, and writes nothing. Used by `npm run ledger:verify` and the tests.
export { verifyLedger } from './ledger-verifier';
export type { LedgerReport, VerifyOptions } from './ledger-verifier';
