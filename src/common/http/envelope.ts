export interface Pagination {
  next_cursor: string | null;
  has_more: boolean;
}

export interface SuccessEnvelope<T> {
  status: 'SUCCESS';
  result: T;
  pagination?: Pagination;
}

/** The SPEC's success envelope. */
export function success<T>(result: T, pagination?: Pagination): SuccessEnvelope<T> {
  return pagination ? { status: 'SUCCESS', result, pagination } : { status: 'SUCCESS', result };
}
