import { BENEFICIARY_DESIGNATORS } from '@lib/policy-domain';
import { BooleanField, DateField, EnumField, NestedArrayField } from '../../common/dto/fields';
import { BeneficiaryDto } from '../shared/policy-values.dto';

export class ChangeBeneficiariesDto {
  @DateField()
  effectiveDate!: string;

  @EnumField(BENEFICIARY_DESIGNATORS)
  designatedBy!: (typeof BENEFICIARY_DESIGNATORS)[number];

  @BooleanField({ description: 'Required true when the policyholder (not the insured) designates' })
  insuredConsent!: boolean;

  @NestedArrayField(() => BeneficiaryDto, 0, 20)
  beneficiaries!: BeneficiaryDto[];
}
