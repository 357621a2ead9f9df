// Public surface of the reports module (transaction reports): what other modules may import.
export { ReportsModule } from './reports.module';
export { ListTransactionsQuery } from './queries/list-transactions/list-transactions.query';
export { GetTransactionsSummaryQuery } from './queries/get-transactions-summary/get-transactions-summary.query';
export { ExportTransactionsQuery } from './queries/export-transactions/export-transactions.query';
// A ledger entry as the report shows it: also the payload of wallet events.
export { toReportRow } from './domain/report-row';
export type { ReportRow } from './domain/report-row';
export { HoldEntryDto, PaymentEntryDto, TopUpEntryDto, TransferEntryDto } from './http/report.response.dto';
