import { Query } from '@nestjs/cqrs';
import type { CashValueQuote } from '@lib/policy-domain';
import { DateField } from '../../common/dto/fields';

export class GetCashValueQueryDto {
  @DateField({ optional: true, description: 'The date to value the policy on (default today)' })
  on?: string;
}

/** The cash value of DESIGN 2.8 with the product version it comes from. */
export interface CashValueResult extends CashValueQuote {
  readonly policyId: string;
  readonly productCode: string;
  readonly productVersion: number;
  readonly revision: number;
}

export class GetCashValueQuery extends Query<CashValueResult> {
  constructor(
    readonly policyId: string,
    readonly on: string | undefined,
  ) {
    super();
  }
}
