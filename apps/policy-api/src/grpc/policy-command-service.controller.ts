import { Controller, UseFilters, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { GrpcMethod } from '@nestjs/microservices';
import { RequirePermission } from '../auth/permission.decorator';
import { EndorsementNoPipe, PolicyIdPipe, ReminderIdPipe } from '../common/id-params';
import { CancelScheduledChangeCommand } from '../policies/cancel-scheduled-change/cancel-scheduled-change.command';
import { CancelScheduledChangeDto } from '../policies/cancel-scheduled-change/cancel-scheduled-change.dto';
import { ChangeBeneficiariesCommand } from '../policies/change-beneficiaries/change-beneficiaries.command';
import { ChangeBeneficiariesDto } from '../policies/change-beneficiaries/change-beneficiaries.dto';
import { ChangeContractCommand } from '../policies/change-contract/change-contract.command';
import { ChangeContractDto } from '../policies/change-contract/change-contract.dto';
import { IssuePolicyCommand } from '../policies/issue-policy/issue-policy.command';
import { IssuePolicyDto } from '../policies/issue-policy/issue-policy.dto';
import { LapsePolicyCommand } from '../policies/lapse-policy/lapse-policy.command';
import { LapsePolicyDto } from '../policies/lapse-policy/lapse-policy.dto';
import { PaySurvivalBenefitCommand } from '../policies/pay-survival-benefit/pay-survival-benefit.command';
import { PaySurvivalBenefitDto } from '../policies/pay-survival-benefit/pay-survival-benefit.dto';
import { ReassignOrphanPolicyCommand } from '../policies/reassign-orphan-policy/reassign-orphan-policy.command';
import { ReassignOrphanPolicyDto } from '../policies/reassign-orphan-policy/reassign-orphan-policy.dto';
import { RecordPremiumPaymentCommand } from '../policies/record-premium-payment/record-premium-payment.command';
import { RecordPremiumPaymentDto } from '../policies/record-premium-payment/record-premium-payment.dto';
import { RecordReminderDeliveryCommand } from '../policies/record-reminder-delivery/record-reminder-delivery.command';
import { RecordReminderDeliveryDto } from '../policies/record-reminder-delivery/record-reminder-delivery.dto';
import { ReinstatePolicyCommand } from '../policies/reinstate-policy/reinstate-policy.command';
import { ReinstatePolicyDto } from '../policies/reinstate-policy/reinstate-policy.dto';
import { SendPremiumReminderCommand } from '../policies/send-premium-reminder/send-premium-reminder.command';
import { SendPremiumReminderDto } from '../policies/send-premium-reminder/send-premium-reminder.dto';
import { TerminatePolicyCommand } from '../policies/terminate-policy/terminate-policy.command';
import { TerminatePolicyDto } from '../policies/terminate-policy/terminate-policy.dto';
import { TransferPolicyCommand } from '../policies/transfer-policy/transfer-policy.command';
import { TransferPolicyDto } from '../policies/transfer-policy/transfer-policy.dto';
import { WaivePremiumCommand } from '../policies/waive-premium/waive-premium.command';
import { WaivePremiumDto } from '../policies/waive-premium/waive-premium.dto';
import { changeContractBody, changeViolationPath, issuePolicyBody } from './request-bodies';
import type { GrpcCall } from './grpc-call';
import { GrpcAuthGuard } from './grpc-auth.guard';
import { GrpcMessages, type JsonObject } from './grpc-messages';
import { GrpcProblemFilter } from './grpc-problem.filter';
import { POLICY_COMMAND_SERVICE } from './proto-files';

const policyId = { policyId: new PolicyIdPipe() };
const REPLY = 'PolicyCommandResponse';

/**
 * PolicyCommandService, policy rpcs: each maps its message to the same Nest command as the REST route (see
 * PolicyCommandsController), validated by the same DTO, and the result to PolicyCommandResponse.
 */
@Controller()
@UseGuards(GrpcAuthGuard)
@UseFilters(GrpcProblemFilter)
export class PolicyCommandServiceController {
  constructor(
    private readonly commands: CommandBus,
    private readonly messages: GrpcMessages,
  ) {}

  @GrpcMethod(POLICY_COMMAND_SERVICE, 'IssuePolicy')
  @RequirePermission('policy:issue')
  async issuePolicy(request: JsonObject, _metadata: unknown, call: GrpcCall): Promise<JsonObject> {
    const { dto, context } = this.messages.command(call, request, {
      message: 'IssuePolicyRequest',
      dto: IssuePolicyDto,
      toBody: issuePolicyBody,
    });
    return this.messages.commandReply(call, REPLY, await this.commands.execute(new IssuePolicyCommand(dto, context)));
  }

  @GrpcMethod(POLICY_COMMAND_SERVICE, 'ChangeContract')
  @RequirePermission('policy:change-contract')
  async changeContract(request: JsonObject, _metadata: unknown, call: GrpcCall): Promise<JsonObject> {
    const { dto, ids, context } = this.messages.command(call, request, {
      message: 'ChangeContractRequest',
      dto: ChangeContractDto,
      ids: policyId,
      toBody: changeContractBody,
      violationPath: changeViolationPath,
    });
    const result = await this.commands.execute(new ChangeContractCommand(ids.policyId, dto, context));
    return this.messages.commandReply(call, REPLY, result);
  }

  @GrpcMethod(POLICY_COMMAND_SERVICE, 'CancelScheduledChange')
  @RequirePermission('policy:cancel-scheduled-change')
  async cancelScheduledChange(request: JsonObject, _metadata: unknown, call: GrpcCall): Promise<JsonObject> {
    const { ids, context } = this.messages.command(call, request, {
      message: 'CancelScheduledChangeRequest',
      dto: CancelScheduledChangeDto,
      ids: { ...policyId, endorsementNo: new EndorsementNoPipe() },
    });
    const result = await this.commands.execute(
      new CancelScheduledChangeCommand(ids.policyId, ids.endorsementNo, context),
    );
    return this.messages.commandReply(call, REPLY, result);
  }

  @GrpcMethod(POLICY_COMMAND_SERVICE, 'ChangeBeneficiaries')
  @RequirePermission('policy:change-beneficiaries')
  async changeBeneficiaries(request: JsonObject, _metadata: unknown, call: GrpcCall): Promise<JsonObject> {
    const { dto, ids, context } = this.messages.command(call, request, {
      message: 'ChangeBeneficiariesRequest',
      dto: ChangeBeneficiariesDto,
      ids: policyId,
    });
    const result = await this.commands.execute(new ChangeBeneficiariesCommand(ids.policyId, dto, context));
    return this.messages.commandReply(call, REPLY, result);
  }

  @GrpcMethod(POLICY_COMMAND_SERVICE, 'SendPremiumReminder')
  @RequirePermission('policy:send-premium-reminder')
  async sendPremiumReminder(request: JsonObject, _metadata: unknown, call: GrpcCall): Promise<JsonObject> {
    const { dto, ids, context } = this.messages.command(call, request, {
      message: 'SendPremiumReminderRequest',
      dto: SendPremiumReminderDto,
      ids: policyId,
    });
    const result = await this.commands.execute(new SendPremiumReminderCommand(ids.policyId, dto, context));
    return this.messages.commandReply(call, REPLY, result);
  }

  @GrpcMethod(POLICY_COMMAND_SERVICE, 'RecordReminderDelivery')
  @RequirePermission('policy:record-reminder-delivery')
  async recordReminderDelivery(request: JsonObject, _metadata: unknown, call: GrpcCall): Promise<JsonObject> {
    const { dto, ids, context } = this.messages.command(call, request, {
      message: 'RecordReminderDeliveryRequest',
      dto: RecordReminderDeliveryDto,
      ids: { ...policyId, reminderId: new ReminderIdPipe() },
    });
    const result = await this.commands.execute(
      new RecordReminderDeliveryCommand(ids.policyId, ids.reminderId, dto, context),
    );
    return this.messages.commandReply(call, REPLY, result);
  }

  @GrpcMethod(POLICY_COMMAND_SERVICE, 'RecordPremiumPayment')
  @RequirePermission('policy:record-premium-payment')
  async recordPremiumPayment(request: JsonObject, _metadata: unknown, call: GrpcCall): Promise<JsonObject> {
    const { dto, ids, context } = this.messages.command(call, request, {
      message: 'RecordPremiumPaymentRequest',
      dto: RecordPremiumPaymentDto,
      ids: policyId,
    });
    const result = await this.commands.execute(new RecordPremiumPaymentCommand(ids.policyId, dto, context));
    return this.messages.commandReply(call, REPLY, result);
  }

  @GrpcMethod(POLICY_COMMAND_SERVICE, 'LapsePolicy')
  @RequirePermission('policy:lapse')
  async lapsePolicy(request: JsonObject, _metadata: unknown, call: GrpcCall): Promise<JsonObject> {
    const { dto, ids, context } = this.messages.command(call, request, {
      message: 'LapsePolicyRequest',
      dto: LapsePolicyDto,
      ids: policyId,
    });
    const result = await this.commands.execute(new LapsePolicyCommand(ids.policyId, dto, context));
    return this.messages.commandReply(call, REPLY, result);
  }

  @GrpcMethod(POLICY_COMMAND_SERVICE, 'WaivePremium')
  @RequirePermission('policy:waive-premium')
  async waivePremium(request: JsonObject, _metadata: unknown, call: GrpcCall): Promise<JsonObject> {
    const { dto, ids, context } = this.messages.command(call, request, {
      message: 'WaivePremiumRequest',
      dto: WaivePremiumDto,
      ids: policyId,
    });
    const result = await this.commands.execute(new WaivePremiumCommand(ids.policyId, dto, context));
    return this.messages.commandReply(call, REPLY, result);
  }

  @GrpcMethod(POLICY_COMMAND_SERVICE, 'ReinstatePolicy')
  @RequirePermission('policy:reinstate')
  async reinstatePolicy(request: JsonObject, _metadata: unknown, call: GrpcCall): Promise<JsonObject> {
    const { dto, ids, context } = this.messages.command(call, request, {
      message: 'ReinstatePolicyRequest',
      dto: ReinstatePolicyDto,
      ids: policyId,
    });
    const result = await this.commands.execute(new ReinstatePolicyCommand(ids.policyId, dto, context));
    return this.messages.commandReply(call, REPLY, result);
  }

  @GrpcMethod(POLICY_COMMAND_SERVICE, 'TransferPolicy')
  @RequirePermission('policy:transfer')
  async transferPolicy(request: JsonObject, _metadata: unknown, call: GrpcCall): Promise<JsonObject> {
    const { dto, ids, context } = this.messages.command(call, request, {
      message: 'TransferPolicyRequest',
      dto: TransferPolicyDto,
      ids: policyId,
    });
    const result = await this.commands.execute(new TransferPolicyCommand(ids.policyId, dto, context));
    return this.messages.commandReply(call, REPLY, result);
  }

  @GrpcMethod(POLICY_COMMAND_SERVICE, 'PaySurvivalBenefit')
  @RequirePermission('policy:pay-survival-benefit')
  async paySurvivalBenefit(request: JsonObject, _metadata: unknown, call: GrpcCall): Promise<JsonObject> {
    const { dto, ids, context } = this.messages.command(call, request, {
      message: 'PaySurvivalBenefitRequest',
      dto: PaySurvivalBenefitDto,
      ids: policyId,
    });
    const result = await this.commands.execute(new PaySurvivalBenefitCommand(ids.policyId, dto, context));
    return this.messages.commandReply(call, REPLY, result);
  }

  @GrpcMethod(POLICY_COMMAND_SERVICE, 'ReassignOrphanPolicy')
  @RequirePermission('policy:reassign-orphan')
  async reassignOrphanPolicy(request: JsonObject, _metadata: unknown, call: GrpcCall): Promise<JsonObject> {
    const { dto, ids, context } = this.messages.command(call, request, {
      message: 'ReassignOrphanPolicyRequest',
      dto: ReassignOrphanPolicyDto,
      ids: policyId,
    });
    const result = await this.commands.execute(new ReassignOrphanPolicyCommand(ids.policyId, dto, context));
    return this.messages.commandReply(call, REPLY, result);
  }

  /** The method admits supervisor and system; the handler restricts system to LAPSE_EXPIRED and EXPIRY (as REST). */
  @GrpcMethod(POLICY_COMMAND_SERVICE, 'TerminatePolicy')
  @RequirePermission('policy:terminate-scheduled')
  async terminatePolicy(request: JsonObject, _metadata: unknown, call: GrpcCall): Promise<JsonObject> {
    const { dto, ids, context } = this.messages.command(call, request, {
      message: 'TerminatePolicyRequest',
      dto: TerminatePolicyDto,
      ids: policyId,
    });
    const result = await this.commands.execute(new TerminatePolicyCommand(ids.policyId, dto, context));
    return this.messages.commandReply(call, REPLY, result);
  }
}
