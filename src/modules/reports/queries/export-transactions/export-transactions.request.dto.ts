import { ReportFiltersRequestDto } from '../../http/report-filters.request.dto';

/** Query string of `GET /transactions/export`: the listing's filters, without paging. */
export class ExportTransactionsRequestDto extends ReportFiltersRequestDto {}
