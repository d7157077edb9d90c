import { Body, Controller, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RequirePermission } from '../auth/permission.decorator';
import { ApiCommand } from '../common/api-command.decorator';
import { commandResponse } from '../common/command-response';
import { EndorsementNoPipe, PolicyIdPipe, ReminderIdPipe } from '../common/id-params';
import { RestContext } from '../common/rest-context.decorator';
import type { RequestContext } from '../common/request-context';
import { IssuePolicyCommand } from './issue-policy/issue-policy.command';
import { IssuePolicyDto } from './issue-policy/issue-policy.dto';
import { ChangeContractCommand } from './change-contract/change-contract.command';
import { ChangeContractDto } from './change-contract/change-contract.dto';
import { CancelScheduledChangeCommand } from './cancel-scheduled-change/cancel-scheduled-change.command';
import { CancelScheduledChangeDto } from './cancel-scheduled-change/cancel-scheduled-change.dto';
import { ChangeBeneficiariesCommand } from './change-beneficiaries/change-beneficiaries.command';
import { ChangeBeneficiariesDto } from './change-beneficiaries/change-beneficiaries.dto';
import { SendPremiumReminderCommand } from './send-premium-reminder/send-premium-reminder.command';
import { SendPremiumReminderDto } from './send-premium-reminder/send-premium-reminder.dto';
import { RecordReminderDeliveryCommand } from './record-reminder-delivery/record-reminder-delivery.command';
import { RecordReminderDeliveryDto } from './record-reminder-delivery/record-reminder-delivery.dto';
import { RecordPremiumPaymentCommand } from './record-premium-payment/record-premium-payment.command';
import { RecordPremiumPaymentDto } from './record-premium-payment/record-premium-payment.dto';
import { LapsePolicyCommand } from './lapse-policy/lapse-policy.command';
import { LapsePolicyDto } from './lapse-policy/lapse-policy.dto';
import { WaivePremiumCommand } from './waive-premium/waive-premium.command';
import { WaivePremiumDto } from './waive-premium/waive-premium.dto';
import { ReinstatePolicyCommand } from './reinstate-policy/reinstate-policy.command';
import { ReinstatePolicyDto } from './reinstate-policy/reinstate-policy.dto';
import { TransferPolicyCommand } from './transfer-policy/transfer-policy.command';
import { TransferPolicyDto } from './transfer-policy/transfer-policy.dto';
import { PaySurvivalBenefitCommand } from './pay-survival-benefit/pay-survival-benefit.command';
import { PaySurvivalBenefitDto } from './pay-survival-benefit/pay-survival-benefit.dto';
import { ReassignOrphanPolicyCommand } from './reassign-orphan-policy/reassign-orphan-policy.command';
import { ReassignOrphanPolicyDto } from './reassign-orphan-policy/reassign-orphan-policy.dto';
import { TerminatePolicyCommand } from './terminate-policy/terminate-policy.command';
import { TerminatePolicyDto } from './terminate-policy/terminate-policy.dto';
import { PolicyCommandResponse } from './shared/policy-command-result';

/** One route per policy command of DESIGN 2.5; each maps the request to its Nest command (see the use-case folders). */
@ApiTags('policy commands')
@Controller('v1/policies')
export class PolicyCommandsController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @RequirePermission('policy:issue')
  @ApiCommand({
    summary: 'IssuePolicy (clerk): a new policy; 409 POLICY_ALREADY_EXISTS',
    response: PolicyCommandResponse,
    events: 'PolicyIssued',
    ifMatch: false,
  })
  async issue(
    @Body() dto: IssuePolicyDto,
    @RestContext({ ifMatch: false }) context: RequestContext,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PolicyCommandResponse> {
    return commandResponse(response, await this.commands.execute(new IssuePolicyCommand(dto, context)));
  }

  @Post(':id/contract-changes')
  @RequirePermission('policy:change-contract')
  @ApiCommand({
    summary: 'ChangeContract (clerk): one endorsement of one or more change kinds, applied atomically',
    response: PolicyCommandResponse,
    events: 'ContractChanged',
  })
  @ApiParam({ name: 'id', description: 'Policy id' })
  async changeContract(
    @Param('id', PolicyIdPipe) policyId: string,
    @Body() dto: ChangeContractDto,
    @RestContext() context: RequestContext,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PolicyCommandResponse> {
    return commandResponse(response, await this.commands.execute(new ChangeContractCommand(policyId, dto, context)));
  }

  @Post(':id/contract-changes/:endorsementNo/cancellation')
  @RequirePermission('policy:cancel-scheduled-change')
  @ApiCommand({
    summary:
      'CancelScheduledChange (clerk): withdraws a premium-affecting endorsement scheduled after today (422 ' +
      'NO_SCHEDULED_CHANGE otherwise; SCHEDULED_CHANGE_PREPAID once an installment due from its date is paid)',
    response: PolicyCommandResponse,
    events: 'ScheduledChangeCancelled',
  })
  @ApiParam({ name: 'id', description: 'Policy id' })
  @ApiParam({ name: 'endorsementNo', description: 'Endorsement number {policyId}-E{n} (see scheduledChanges)' })
  @ApiBody({ type: CancelScheduledChangeDto, required: false, description: 'No fields: omit the body or send {}' })
  async cancelScheduledChange(
    @Param('id', PolicyIdPipe) policyId: string,
    @Param('endorsementNo', EndorsementNoPipe) endorsementNo: string,
    @Body() _body: CancelScheduledChangeDto,
    @RestContext() context: RequestContext,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PolicyCommandResponse> {
    return commandResponse(
      response,
      await this.commands.execute(new CancelScheduledChangeCommand(policyId, endorsementNo, context)),
    );
  }

  @Post(':id/beneficiary-changes')
  @RequirePermission('policy:change-beneficiaries')
  @ApiCommand({
    summary: 'ChangeBeneficiaries (clerk)',
    response: PolicyCommandResponse,
    events: 'BeneficiariesChanged',
  })
  @ApiParam({ name: 'id', description: 'Policy id' })
  async changeBeneficiaries(
    @Param('id', PolicyIdPipe) policyId: string,
    @Body() dto: ChangeBeneficiariesDto,
    @RestContext() context: RequestContext,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PolicyCommandResponse> {
    return commandResponse(
      response,
      await this.commands.execute(new ChangeBeneficiariesCommand(policyId, dto, context)),
    );
  }

  @Post(':id/premium-reminders')
  @RequirePermission('policy:send-premium-reminder')
  @ApiCommand({
    summary: 'SendPremiumReminder (clerk, system)',
    response: PolicyCommandResponse,
    events: 'PremiumReminderSent',
  })
  @ApiParam({ name: 'id', description: 'Policy id' })
  async sendPremiumReminder(
    @Param('id', PolicyIdPipe) policyId: string,
    @Body() dto: SendPremiumReminderDto,
    @RestContext() context: RequestContext,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PolicyCommandResponse> {
    return commandResponse(
      response,
      await this.commands.execute(new SendPremiumReminderCommand(policyId, dto, context)),
    );
  }

  @Post(':id/premium-reminders/:reminderId/delivery')
  @RequirePermission('policy:record-reminder-delivery')
  @ApiCommand({
    summary: 'RecordReminderDelivery (clerk, system)',
    response: PolicyCommandResponse,
    events: 'PremiumReminderDeliveryRecorded',
  })
  @ApiParam({ name: 'id', description: 'Policy id' })
  @ApiParam({ name: 'reminderId', description: 'Reminder id {policyId}-R{n}' })
  async recordReminderDelivery(
    @Param('id', PolicyIdPipe) policyId: string,
    @Param('reminderId', ReminderIdPipe) reminderId: string,
    @Body() dto: RecordReminderDeliveryDto,
    @RestContext() context: RequestContext,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PolicyCommandResponse> {
    return commandResponse(
      response,
      await this.commands.execute(new RecordReminderDeliveryCommand(policyId, reminderId, dto, context)),
    );
  }

  @Post(':id/premium-payments')
  @RequirePermission('policy:record-premium-payment')
  @ApiCommand({
    summary: 'RecordPremiumPayment (clerk, system): settles the next unpaid installment',
    response: PolicyCommandResponse,
    events: 'PremiumPaid',
  })
  @ApiParam({ name: 'id', description: 'Policy id' })
  async recordPremiumPayment(
    @Param('id', PolicyIdPipe) policyId: string,
    @Body() dto: RecordPremiumPaymentDto,
    @RestContext() context: RequestContext,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PolicyCommandResponse> {
    return commandResponse(
      response,
      await this.commands.execute(new RecordPremiumPaymentCommand(policyId, dto, context)),
    );
  }

  @Post(':id/lapses')
  @RequirePermission('policy:lapse')
  @ApiCommand({ summary: 'LapsePolicy (system)', response: PolicyCommandResponse, events: 'PolicyLapsed' })
  @ApiParam({ name: 'id', description: 'Policy id' })
  async lapse(
    @Param('id', PolicyIdPipe) policyId: string,
    @Body() dto: LapsePolicyDto,
    @RestContext() context: RequestContext,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PolicyCommandResponse> {
    return commandResponse(response, await this.commands.execute(new LapsePolicyCommand(policyId, dto, context)));
  }

  @Post(':id/waivers')
  @RequirePermission('policy:waive-premium')
  @ApiCommand({ summary: 'WaivePremium (supervisor)', response: PolicyCommandResponse, events: 'PremiumWaived' })
  @ApiParam({ name: 'id', description: 'Policy id' })
  async waivePremium(
    @Param('id', PolicyIdPipe) policyId: string,
    @Body() dto: WaivePremiumDto,
    @RestContext() context: RequestContext,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PolicyCommandResponse> {
    return commandResponse(response, await this.commands.execute(new WaivePremiumCommand(policyId, dto, context)));
  }

  @Post(':id/reinstatements')
  @RequirePermission('policy:reinstate')
  @ApiCommand({
    summary: 'ReinstatePolicy (supervisor): arrearsPaid must equal the reinstatement quote',
    response: PolicyCommandResponse,
    events: 'PolicyReinstated',
  })
  @ApiParam({ name: 'id', description: 'Policy id' })
  async reinstate(
    @Param('id', PolicyIdPipe) policyId: string,
    @Body() dto: ReinstatePolicyDto,
    @RestContext() context: RequestContext,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PolicyCommandResponse> {
    return commandResponse(response, await this.commands.execute(new ReinstatePolicyCommand(policyId, dto, context)));
  }

  @Post(':id/transfers')
  @RequirePermission('policy:transfer')
  @ApiCommand({ summary: 'TransferPolicy (clerk)', response: PolicyCommandResponse, events: 'PolicyTransferred' })
  @ApiParam({ name: 'id', description: 'Policy id' })
  async transfer(
    @Param('id', PolicyIdPipe) policyId: string,
    @Body() dto: TransferPolicyDto,
    @RestContext() context: RequestContext,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PolicyCommandResponse> {
    return commandResponse(response, await this.commands.execute(new TransferPolicyCommand(policyId, dto, context)));
  }

  @Post(':id/survival-benefit-payments')
  @RequirePermission('policy:pay-survival-benefit')
  @ApiCommand({
    summary: 'PaySurvivalBenefit (supervisor)',
    response: PolicyCommandResponse,
    events: 'SurvivalBenefitPaid (+ PolicyMatured for MATURITY)',
  })
  @ApiParam({ name: 'id', description: 'Policy id' })
  async paySurvivalBenefit(
    @Param('id', PolicyIdPipe) policyId: string,
    @Body() dto: PaySurvivalBenefitDto,
    @RestContext() context: RequestContext,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PolicyCommandResponse> {
    return commandResponse(
      response,
      await this.commands.execute(new PaySurvivalBenefitCommand(policyId, dto, context)),
    );
  }

  @Post(':id/orphan-reassignments')
  @RequirePermission('policy:reassign-orphan')
  @ApiCommand({
    summary: 'ReassignOrphanPolicy (supervisor, system): manual reassignment of an orphaned policy',
    response: PolicyCommandResponse,
    events: 'OrphanPolicyReassigned',
  })
  @ApiParam({ name: 'id', description: 'Policy id' })
  async reassignOrphan(
    @Param('id', PolicyIdPipe) policyId: string,
    @Body() dto: ReassignOrphanPolicyDto,
    @RestContext() context: RequestContext,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PolicyCommandResponse> {
    return commandResponse(
      response,
      await this.commands.execute(new ReassignOrphanPolicyCommand(policyId, dto, context)),
    );
  }

  @Post(':id/terminations')
  @RequirePermission('policy:terminate-scheduled')
  @ApiCommand({
    summary: 'TerminatePolicy (supervisor; system only for LAPSE_EXPIRED and EXPIRY)',
    response: PolicyCommandResponse,
    events: 'PolicyTerminated',
  })
  @ApiParam({ name: 'id', description: 'Policy id' })
  async terminate(
    @Param('id', PolicyIdPipe) policyId: string,
    @Body() dto: TerminatePolicyDto,
    @RestContext() context: RequestContext,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PolicyCommandResponse> {
    return commandResponse(response, await this.commands.execute(new TerminatePolicyCommand(policyId, dto, context)));
  }
}
