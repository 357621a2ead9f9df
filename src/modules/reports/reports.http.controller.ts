import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthUser, CurrentUser, Roles } from '../../common/decorators/auth.decorators';
import { ApiErrorExamples, COMMON_ERROR_EXAMPLES, ErrorExample } from '../../common/http/api-error-examples';
import { ApiEnvelope, ApiTextResponse } from '../../common/http/api-responses';
import { success } from '../../common/http/envelope';
import { REPORT_COLUMNS } from './domain/report-row';
import { sendCsv } from './http/csv-response';
import { REPORT_ENTRY_VARIANTS, TransactionsSummaryDto } from './http/report.response.dto';
import { ReportUserIdPipe } from './http/report-user-id.pipe';
import { ExportTransactionsQuery } from './queries/export-transactions/export-transactions.query';
import { ExportTransactionsRequestDto } from './queries/export-transactions/export-transactions.request.dto';
import { GetTransactionsSummaryQuery } from './queries/get-transactions-summary/get-transactions-summary.query';
import { GetTransactionsSummaryRequestDto } from './queries/get-transactions-summary/get-transactions-summary.request.dto';
import { ListTransactionsQuery } from './queries/list-transactions/list-transactions.query';
import { ListTransactionsRequestDto } from './queries/list-transactions/list-transactions.request.dto';
import { ReportSubject } from './services/report-subject';

const LIST_DESCRIPTION =
  'Newest first. Page with `limit` and the opaque `pagination.next_cursor` (pass it back as `cursor` with the same filters): ' +
  'entries written meanwhile never shift later pages (no duplicates, no gaps). Filters combine with AND. A filtered page examines ' +
  'at most 5,000 entries: it may then hold fewer than `limit` entries (even none) with `has_more: true`; keep following the cursor.';

const CSV_EXAMPLE =
  'top_up_id,payment_id,transfer_id,hold_id,status,user_id,transaction_type,amount,remarks,balance_before,balance_after,created_date,counterparty_user_id,reversal\r\n' +
  ',019a4f2f-0b4c-7d2e-8f1a-3c2b1a0f9e8d,,,SUCCESS,019a4f2d-1111-7a2b-8c3d-4e5f6a7b8c9d,DEBIT,100000,"Pulsa, Telkomsel",500000,400000,2021-04-01 22:22:00,,\r\n' +
  '019a4f2e-7c1d-7b3a-9a4e-2f1c3d4b5a69,,,,SUCCESS,019a4f2d-1111-7a2b-8c3d-4e5f6a7b8c9d,CREDIT,500000,,0,500000,2021-04-01 22:21:21,,\r\n';

const userIdParam = () => ApiParam({ name: 'id', format: 'uuid', example: '019a4f2d-1111-7a2b-8c3d-4e5f6a7b8c9d', description: 'user_id of the wallet owner' });

function ApiCsv() {
  return ApiTextResponse({
    mediaType: 'text/csv',
    description:
      `CSV (RFC 4180, CRLF, UTF-8), streamed, newest first. Columns: ${REPORT_COLUMNS.join(', ')}. ` +
      "Text cells starting with = + - @ are prefixed with `'`. Failures are JSON, like every other route.",
    example: CSV_EXAMPLE,
    headers: {
      'Content-Disposition': {
        description: 'Download file name, from the period asked for',
        schema: { type: 'string', example: 'attachment; filename="transactions-2021-04-01-2021-04-30.csv"' },
      },
    },
  });
}

const { unauthenticated, forbidden, unavailable } = COMMON_ERROR_EXAMPLES;
const badFilter: ErrorExample = {
  summary: 'A filter is invalid',
  value: { message: 'Validation failed: type must be one of TOP_UP, PAYMENT, TRANSFER', code: 'VALIDATION_FAILED', errors: { type: ['type must be one of TOP_UP, PAYMENT, TRANSFER'] } },
};
const badPeriod: ErrorExample = {
  summary: 'from/to is not a date, or to is before from',
  value: {
    message: 'Validation failed: from must be YYYY-MM-DD, YYYY-MM-DD HH:mm:ss or ISO 8601 with an offset',
    code: 'VALIDATION_FAILED',
    errors: { from: ['from must be YYYY-MM-DD, YYYY-MM-DD HH:mm:ss or ISO 8601 with an offset'] },
  },
};
const badLimit: ErrorExample = {
  summary: 'limit out of range',
  value: { message: 'Validation failed: limit must be at most 1000', code: 'VALIDATION_FAILED', errors: { limit: ['limit must be at most 1000'] } },
};
const badCursor: ErrorExample = {
  summary: 'cursor altered, or issued with other filters',
  value: {
    message: 'Validation failed: cursor is not valid for this report (altered, or issued with other filters)',
    code: 'VALIDATION_FAILED',
    errors: { cursor: ['cursor is not valid for this report (altered, or issued with other filters)'] },
  },
};
const badUserId: ErrorExample = {
  summary: 'The id is not a UUID',
  value: { message: 'Validation failed: id must be a user_id (UUID)', code: 'VALIDATION_FAILED', errors: { id: ['id must be a UUID'] } },
};
const adminOnly: ErrorExample = { ...forbidden, summary: 'Only administrators may read the report of another user' };
const userNotFound: ErrorExample = { summary: 'No user has this id', value: { message: 'User not found', code: 'USER_NOT_FOUND' } };

@ApiTags('reports')
@ApiBearerAuth('bearer')
@Controller()
export class ReportsHttpController {
  constructor(private readonly queries: QueryBus) {}

  @Get('transactions')
  @ApiOperation({ operationId: 'listTransactions', summary: 'My transactions (top-ups, payments, transfers in, out and refunded)', description: LIST_DESCRIPTION })
  @ApiEnvelope(REPORT_ENTRY_VARIANTS, { isArray: true, paginated: true, description: 'A page of entries, newest first' })
  @ApiErrorExamples({ 400: [badFilter, badPeriod, badLimit, badCursor], 401: [unauthenticated], 503: [unavailable] })
  async list(@CurrentUser() user: AuthUser, @Query() query: ListTransactionsRequestDto) {
    const page = await this.queries.execute(new ListTransactionsQuery(ReportSubject.own(user.userId), query));
    return success(page.rows, page.pagination);
  }

  @Get('transactions/summary')
  @ApiOperation({
    operationId: 'getTransactionsSummary',
    summary: 'Totals in and out of my wallet over a period, with opening and closing balances',
    description: 'Both ends of the period are optional: without `from` it starts at the first entry, without `to` it ends now.',
  })
  @ApiEnvelope(TransactionsSummaryDto)
  @ApiErrorExamples({ 400: [badPeriod], 401: [unauthenticated], 503: [unavailable] })
  async summary(@CurrentUser() user: AuthUser, @Query() query: GetTransactionsSummaryRequestDto) {
    return success(await this.queries.execute(new GetTransactionsSummaryQuery(ReportSubject.own(user.userId), query)));
  }

  @Get('transactions/export')
  @ApiOperation({ operationId: 'exportTransactions', summary: 'My transactions as a CSV file (same rows and filters as GET /transactions, no paging)' })
  @ApiCsv()
  @ApiErrorExamples({ 400: [badFilter, badPeriod], 401: [unauthenticated], 503: [unavailable] })
  async export(@CurrentUser() user: AuthUser, @Query() query: ExportTransactionsRequestDto, @Res() res: Response): Promise<void> {
    await sendCsv(res, await this.queries.execute(new ExportTransactionsQuery(ReportSubject.own(user.userId), query)));
  }

  @Get('users/:id/transactions')
  @Roles('ADMIN')
  @ApiOperation({
    operationId: 'listUserTransactions',
    summary: "A user's transactions (admin)",
    description: `Same parameters and answer as GET /transactions. ${LIST_DESCRIPTION}`,
  })
  @userIdParam()
  @ApiEnvelope(REPORT_ENTRY_VARIANTS, { isArray: true, paginated: true, description: 'A page of entries, newest first' })
  @ApiErrorExamples({ 400: [badUserId, badFilter, badPeriod, badLimit, badCursor], 401: [unauthenticated], 403: [adminOnly], 404: [userNotFound], 503: [unavailable] })
  async listOfUser(@Param('id', ReportUserIdPipe) id: string, @Query() query: ListTransactionsRequestDto) {
    const page = await this.queries.execute(new ListTransactionsQuery(ReportSubject.user(id), query));
    return success(page.rows, page.pagination);
  }

  @Get('users/:id/transactions/summary')
  @Roles('ADMIN')
  @ApiOperation({ operationId: 'getUserTransactionsSummary', summary: "Totals of a user's wallet over a period (admin)", description: 'Same parameters and answer as GET /transactions/summary.' })
  @userIdParam()
  @ApiEnvelope(TransactionsSummaryDto)
  @ApiErrorExamples({ 400: [badUserId, badPeriod], 401: [unauthenticated], 403: [adminOnly], 404: [userNotFound], 503: [unavailable] })
  async summaryOfUser(@Param('id', ReportUserIdPipe) id: string, @Query() query: GetTransactionsSummaryRequestDto) {
    return success(await this.queries.execute(new GetTransactionsSummaryQuery(ReportSubject.user(id), query)));
  }

  @Get('users/:id/transactions/export')
  @Roles('ADMIN')
  @ApiOperation({ operationId: 'exportUserTransactions', summary: "A user's transactions as a CSV file (admin)", description: 'Same parameters and answer as GET /transactions/export.' })
  @userIdParam()
  @ApiCsv()
  @ApiErrorExamples({ 400: [badUserId, badFilter, badPeriod], 401: [unauthenticated], 403: [adminOnly], 404: [userNotFound], 503: [unavailable] })
  async exportOfUser(@Param('id', ReportUserIdPipe) id: string, @Query() query: ExportTransactionsRequestDto, @Res() res: Response): Promise<void> {
    await sendCsv(res, await this.queries.execute(new ExportTransactionsQuery(ReportSubject.user(id), query)));
  }
}
