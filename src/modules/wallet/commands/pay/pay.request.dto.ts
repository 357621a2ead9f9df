import { AmountField, RemarksField } from '../../../../common/http/money-fields';

export class PayRequestDto {
  @AmountField(100000)
  amount!: number;

  @RemarksField('Pulsa Telkomsel 100k', 'What the payment is for')
  remarks!: string;
}
