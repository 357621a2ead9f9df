import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AppConfig } from '../../config/app-config';
import { StatusEventsModule } from '../status-events';
import { UsersModule } from '../users';
import { WalletModule } from '../wallet';
import { ReportCursorCodec } from './domain/report-cursor';
import { ledgerReaderProvider } from './persistence/ledger-reader.provider';
import { ExportTransactionsHandler } from './queries/export-transactions/export-transactions.handler';
import { GetTransactionsSummaryHandler } from './queries/get-transactions-summary/get-transactions-summary.handler';
import { ListTransactionsHandler } from './queries/list-transactions/list-transactions.handler';
import { ReportsHttpController } from './reports.http.controller';
import { PeriodLocator } from './services/period-locator';
import { ReportSubjects } from './services/report-subject';
import { ReportWindow } from './services/report-window';

export const REPORT_QUERY_HANDLERS = [ListTransactionsHandler, GetTransactionsSummaryHandler, ExportTransactionsHandler];

/** Transaction reports: the paged listing, the period summary and the CSV export (read side of the ledger). */
@Module({
  imports: [CqrsModule, WalletModule, UsersModule, StatusEventsModule],
  controllers: [ReportsHttpController],
  providers: [
    ledgerReaderProvider,
    { provide: ReportCursorCodec, inject: [AppConfig], useFactory: (config: AppConfig) => new ReportCursorCodec(config.jwtSecret) },
    PeriodLocator,
    ReportSubjects,
    ReportWindow,
    ...REPORT_QUERY_HANDLERS,
  ],
})
export class ReportsModule {}
