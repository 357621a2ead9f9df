import { formatDateTime } from '../../../common/util/time';
import type { HoldStatus } from '../domain/hold';
import type { HoldDocument } from '../persistence/hold.schemas';
import type { HoldState } from '../persistence/holds.repository';

/** A hold as `GET /holds/{id}`, capture and void answer it. */
export interface HoldView {
  hold_id: string;
  user_id: string;
  amount: number;
  captured_amount: number;
  released_amount: number;
  remarks: string;
  status: HoldStatus;
  release_pending: boolean;
  expires_at: string;
  created_date: string;
  updated_date: string;
}

export function holdView(hold: HoldDocument, timeZone: string, state?: Partial<HoldState>): HoldView {
  const s = { ...hold, ...state };
  return {
    hold_id: hold._id,
    user_id: hold.user_id,
    amount: hold.amount,
    captured_amount: s.captured_amount ?? 0,
    released_amount: s.released_amount ?? 0,
    remarks: hold.remarks,
    status: (s.status === 'REJECTED' ? 'EXPIRED' : s.status) as HoldStatus,
    release_pending: s.release_pending ?? false,
    expires_at: formatDateTime(new Date(hold.expires_at), timeZone),
    created_date: formatDateTime(new Date(hold.created_at), timeZone),
    updated_date: formatDateTime(state ? new Date() : new Date(hold.updated_at), timeZone),
  };
}
