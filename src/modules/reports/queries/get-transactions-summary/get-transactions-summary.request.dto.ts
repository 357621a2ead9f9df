import { ReportPeriodRequestDto } from '../../http/report-filters.request.dto';

/** Query string of `GET /transactions/summary`: the period (both ends optional). */
export class GetTransactionsSummaryRequestDto extends ReportPeriodRequestDto {}
