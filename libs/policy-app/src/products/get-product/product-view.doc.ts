import { ApiProperty } from '@nestjs/swagger';
import { JURISDICTIONS, PRODUCT_KINDS } from '@lib/policy-domain';
import {
  FreeLookTermsDto,
  GraceTermsDto,
  LoanTermsDto,
  NonforfeitureTermsDto,
} from '../publish-product-version/publish-product-version.operation';

/** OpenAPI description of one published version (the domain's ProductVersion). */
class ProductVersionDoc {
  @ApiProperty({ example: 1 }) version!: number;
  @ApiProperty({ format: 'date' }) publishedOn!: string;
  @ApiProperty() productCode!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: PRODUCT_KINDS }) kind!: string;
  @ApiProperty({ enum: JURISDICTIONS }) jurisdiction!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ type: () => FreeLookTermsDto }) freeLook!: FreeLookTermsDto;
  @ApiProperty({ type: () => GraceTermsDto }) grace!: GraceTermsDto;
  @ApiProperty({ type: 'integer', isArray: true }) cashValuePpm!: number[];
  @ApiProperty({ type: () => LoanTermsDto, nullable: true }) loan!: LoanTermsDto | null;
  @ApiProperty() automaticPremiumLoan!: boolean;
  @ApiProperty({ type: () => NonforfeitureTermsDto }) nonforfeiture!: NonforfeitureTermsDto;
}

/** OpenAPI description of the domain's ProductView. */
export class ProductViewDoc {
  @ApiProperty() productCode!: string;
  @ApiProperty() revision!: number;
  @ApiProperty({ type: () => ProductVersionDoc, isArray: true }) versions!: ProductVersionDoc[];
}
