import { ApiProperty } from '@nestjs/swagger';
import { WrittenEventDoc } from '../policies/shared/policy-command-result';

/** 201 body of PublishProductVersion (DESIGN 3: `productCode` and the version number assigned). */
export class ProductCommandResponse {
  @ApiProperty({ example: 'CN-ENDOW-20' })
  productCode!: string;
  @ApiProperty({ description: 'The version published (1, 2, …)', example: 1 })
  version!: number;
  @ApiProperty({ example: 0 })
  revision!: number;
  @ApiProperty({ type: () => WrittenEventDoc, isArray: true })
  events!: WrittenEventDoc[];
}
