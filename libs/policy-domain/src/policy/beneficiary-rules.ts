/** Beneficiary designation rules (PRC Insurance Law art. 39–41; DESIGN 2.5 ChangeBeneficiaries). */
import { DomainError } from '../errors';
import { type Beneficiary, type IdType, type Party } from './policy-values';

interface Person {
  readonly name: string;
  readonly idType?: IdType;
  readonly idNumber?: string;
}

function normalized(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toUpperCase();
}

/** Two records name the same person when their identity documents match, or, lacking one, their names do. */
export function samePerson(a: Person, b: Person): boolean {
  if (a.idNumber && b.idNumber) return a.idType === b.idType && normalized(a.idNumber) === normalized(b.idNumber);
  return normalized(a.name) === normalized(b.name);
}

export function checkBeneficiaries(beneficiaries: readonly Beneficiary[], insured: Party): void {
  const shareSums = new Map<number, number>();
  for (const beneficiary of beneficiaries) {
    if (!Number.isInteger(beneficiary.order) || beneficiary.order < 1 || beneficiary.order > 9) {
      throw new DomainError('BENEFICIARY_ORDER_INVALID', `Beneficiary order must be 1–9, got ${beneficiary.order}.`);
    }
    const share = beneficiary.sharePercent;
    if (!Number.isInteger(share) || share < 1 || share > 100) {
      throw new DomainError('BENEFICIARY_SHARES_INVALID', `A share must be a whole percentage 1–100, got ${share}.`);
    }
    shareSums.set(beneficiary.order, (shareSums.get(beneficiary.order) ?? 0) + share);
  }
  for (const [order, sum] of shareSums) {
    if (sum !== 100) {
      throw new DomainError('BENEFICIARY_SHARES_INVALID', `The shares of order ${order} sum to ${sum}%, not 100%.`);
    }
  }
  beneficiaries.forEach((beneficiary, index) => {
    if (beneficiaries.slice(0, index).some((earlier) => samePerson(earlier, beneficiary))) {
      throw new DomainError('DUPLICATE_BENEFICIARY', `${beneficiary.name} is named more than once.`);
    }
    if (samePerson(beneficiary, insured)) {
      throw new DomainError('INSURED_AS_BENEFICIARY', 'The insured cannot be a death beneficiary.');
    }
  });
}
