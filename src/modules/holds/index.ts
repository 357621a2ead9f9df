// Public surface of the holds module (payment holds): what other modules may import.
export { HoldsModule } from './holds.module';
export { CreateHoldCommand } from './commands/create-hold/create-hold.command';
export { CaptureHoldCommand } from './commands/capture-hold/capture-hold.command';
export { VoidHoldCommand } from './commands/void-hold/void-hold.command';
export { ExpireHoldCommand } from './commands/expire-hold/expire-hold.command';
export { RecoverDueHoldsCommand } from './commands/recover-due-holds/recover-due-holds.command';
export { GetHoldQuery } from './queries/get-hold/get-hold.query';
export { ListHoldsQuery } from './queries/list-holds/list-holds.query';
// The Bull queue's name (the queue dashboard shows it).
export { HOLD_QUEUE } from './queue/hold-queue';
// The holds' collections by name, for the reconciliation (read only).
export { HOLD_OUTCOMES_COLLECTION, HOLDS_COLLECTION } from './persistence/hold.schemas';
