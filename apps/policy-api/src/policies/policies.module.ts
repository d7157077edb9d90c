import { Module } from '@nestjs/common';
import { CancelScheduledChangeHandler } from './cancel-scheduled-change/cancel-scheduled-change.handler';
import { ChangeBeneficiariesHandler } from './change-beneficiaries/change-beneficiaries.handler';
import { ChangeContractHandler } from './change-contract/change-contract.handler';
import { GetPolicyEventsHandler } from './get-policy-events/get-policy-events.handler';
import { GetPolicyHandler } from './get-policy/get-policy.handler';
import { GetReinstatementQuoteHandler } from './get-reinstatement-quote/get-reinstatement-quote.handler';
import { IssuePolicyHandler } from './issue-policy/issue-policy.handler';
import { LapsePolicyHandler } from './lapse-policy/lapse-policy.handler';
import { PaySurvivalBenefitHandler } from './pay-survival-benefit/pay-survival-benefit.handler';
import { PolicyCommandsController } from './policy-commands.controller';
import { PolicyQueriesController } from './policy-queries.controller';
import { ReassignOrphanPolicyHandler } from './reassign-orphan-policy/reassign-orphan-policy.handler';
import { RecordPremiumPaymentHandler } from './record-premium-payment/record-premium-payment.handler';
import { RecordReminderDeliveryHandler } from './record-reminder-delivery/record-reminder-delivery.handler';
import { ReinstatePolicyHandler } from './reinstate-policy/reinstate-policy.handler';
import { SendPremiumReminderHandler } from './send-premium-reminder/send-premium-reminder.handler';
import { TerminatePolicyHandler } from './terminate-policy/terminate-policy.handler';
import { TransferPolicyHandler } from './transfer-policy/transfer-policy.handler';
import { WaivePremiumHandler } from './waive-premium/waive-premium.handler';

@Module({
  controllers: [PolicyCommandsController, PolicyQueriesController],
  providers: [
    IssuePolicyHandler,
    ChangeContractHandler,
    CancelScheduledChangeHandler,
    ChangeBeneficiariesHandler,
    SendPremiumReminderHandler,
    RecordReminderDeliveryHandler,
    RecordPremiumPaymentHandler,
    LapsePolicyHandler,
    WaivePremiumHandler,
    ReinstatePolicyHandler,
    TransferPolicyHandler,
    PaySurvivalBenefitHandler,
    ReassignOrphanPolicyHandler,
    TerminatePolicyHandler,
    GetPolicyHandler,
    GetPolicyEventsHandler,
    GetReinstatementQuoteHandler,
  ],
})
export class PoliciesModule {}
