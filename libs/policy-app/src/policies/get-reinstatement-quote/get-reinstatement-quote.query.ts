import { Query } from '@nestjs/cqrs';
import type { ReinstatementQuote } from '@lib/policy-domain';

export interface ReinstatementQuoteResult {
  readonly quote: ReinstatementQuote;
  readonly revision: number;
}

export class GetReinstatementQuoteQuery extends Query<ReinstatementQuoteResult> {
  constructor(
    readonly policyId: string,
    readonly on: string | undefined,
  ) {
    super();
  }
}
