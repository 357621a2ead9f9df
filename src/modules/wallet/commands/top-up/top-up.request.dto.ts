import { AmountField } from '../../../../common/http/money-fields';

export class TopUpRequestDto {
  @AmountField(500000)
  amount!: number;
}
