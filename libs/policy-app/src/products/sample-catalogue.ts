import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { LOGGER } from '../logging/logger';
import { runOperation } from '../operations/run-operation';
import { loadLatestProductVersion } from './load-product';
import { CommandRunner } from '../common/command-runner';
import { validateDto } from '../problem/validation';
import {
  publishProductVersion,
  PublishProductVersionDto,
} from './publish-product-version/publish-product-version.operation';

const cny = (amount: number) => ({ amount, currency: 'CNY' });
const usd = (amount: number) => ({ amount, currency: 'USD' });
const NO_NONFORFEITURE = { options: [], default: 'NONE', netSinglePremiumPpm: [], termCostPpm: [] };

/**
 * The sample catalogue of DESIGN 2.8, published on the first start of the embedded mode: a CN endowment (the
 * products issue's worked example table), a CN whole life, a CN term product without cash value, a US whole life with
 * ETI as its default nonforfeiture option. Illustrative tables, not an actuary's. Entries are in the format of
 * `policyctl products import` (the body of POST /v1/products/{code}/versions plus `productCode`); samples/products.json
 * is this list as a file (a test keeps the two equal).
 */
export const SAMPLE_CATALOGUE: readonly ({ productCode: string } & Record<string, unknown>)[] = [
  {
    productCode: 'CN-ENDOW-20',
    name: '金色年华两全保险 (20 years)',
    kind: 'ENDOWMENT',
    jurisdiction: 'CN',
    currency: 'CNY',
    freeLook: { days: 15, costDeduction: cny(1_000) },
    grace: { noticeShortensGrace: false },
    cashValuePpm: [
      0, 30_000, 65_000, 90_000, 120_000, 160_000, 200_000, 245_000, 290_000, 340_000, 390_000, 445_000, 500_000,
      560_000, 620_000, 685_000, 750_000, 820_000, 900_000, 1_000_000,
    ],
    loan: { maxPercentOfCashValue: 80, interestBasisPoints: 500 },
    automaticPremiumLoan: true,
    nonforfeiture: NO_NONFORFEITURE,
  },
  {
    productCode: 'CN-WL-1',
    name: '终身寿险',
    kind: 'WHOLE_LIFE',
    jurisdiction: 'CN',
    currency: 'CNY',
    freeLook: { days: 15, costDeduction: cny(1_000) },
    grace: { noticeShortensGrace: false },
    cashValuePpm: [0, 20_000, 45_000, 75_000, 105_000, 140_000, 175_000, 210_000, 250_000, 290_000],
    loan: { maxPercentOfCashValue: 80, interestBasisPoints: 550 },
    automaticPremiumLoan: true,
    nonforfeiture: NO_NONFORFEITURE,
  },
  {
    productCode: 'CN-TERM-20',
    name: '定期寿险 (20 years)',
    kind: 'TERM',
    jurisdiction: 'CN',
    currency: 'CNY',
    freeLook: { days: 15, costDeduction: cny(0) },
    grace: { noticeShortensGrace: false },
    cashValuePpm: [],
    automaticPremiumLoan: false,
    nonforfeiture: NO_NONFORFEITURE,
  },
  {
    productCode: 'US-WL-1',
    name: 'Whole Life 100',
    kind: 'WHOLE_LIFE',
    jurisdiction: 'US',
    currency: 'USD',
    freeLook: { days: 10, costDeduction: usd(0) },
    grace: { noticeShortensGrace: false },
    cashValuePpm: [0, 15_000, 40_000, 70_000, 100_000, 135_000, 170_000, 205_000, 245_000, 285_000],
    loan: { maxPercentOfCashValue: 90, interestBasisPoints: 600 },
    automaticPremiumLoan: true,
    nonforfeiture: {
      options: ['RPU', 'ETI'],
      default: 'ETI',
      netSinglePremiumPpm: [420_000, 430_000, 440_000, 450_000, 460_000, 470_000, 480_000, 490_000, 500_000, 510_000],
      termCostPpm: [2_000, 2_200, 2_400, 2_600, 2_800, 3_000, 3_300, 3_600, 3_900, 4_200],
    },
  },
];

/** On start (SAMPLE_CATALOGUE, default in the embedded mode): publishes the sample products the store lacks. */
@Injectable()
export class SampleCatalogue implements OnApplicationBootstrap {
  constructor(
    private readonly commands: CommandBus,
    private readonly runner: CommandRunner,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.sampleCatalogue) return;
    const published: string[] = [];
    for (const { productCode, ...body } of SAMPLE_CATALOGUE) {
      if ((await loadLatestProductVersion(this.runner.store, productCode)) !== null) continue;
      await this.commands.execute(
        runOperation(publishProductVersion, { productCode }, validateDto(PublishProductVersionDto, body), {
          actor: { id: 'sample-catalogue', roles: ['admin'] },
          channel: 'PROCESS',
          correlationId: `sample-catalogue-${productCode}`,
          idempotencyKey: `sample-catalogue-${productCode}-v1`,
        }),
      );
      published.push(productCode);
    }
    if (published.length > 0) this.logger.info({ published }, 'sample product catalogue published (SAMPLE_CATALOGUE)');
  }
}
