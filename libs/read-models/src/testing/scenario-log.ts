/**
 * Test support: an in-memory event log fed through the domain's own deciders, so scripted scenarios always contain
 * events `decide` would really produce (reinstatement deadlines, arrears, waived-from installments…). Produces
 * RecordedEvents with positions and metadata as an event store would.
 */
import { type JsonObject, type Position, type RecordedEvent } from '@lib/event-sourcing';
import {
  agentDecider,
  agentEventCodec,
  agentSnapshot,
  agentStreamId,
  CN_RULE_PROFILE,
  isIssued,
  nextOpenInstallment,
  policyDecider,
  policyEventCodec,
  policyStreamId,
  reinstatementQuote,
  type AgentCommand,
  type AgentState,
  type BusinessDate,
  type ContractChange,
  type DeliveryOutcome,
  type IssuedPolicy,
  type IssuePolicyData,
  type PolicyCommand,
  type PolicyState,
  type ReassignmentStrategy,
  type ReminderKind,
  type RuleProfile,
  type ProductVersion,
  type TerminatePolicyReason,
} from '@lib/policy-domain';

export function cny(amount: number) {
  return { amount, currency: 'CNY' };
}

/** A 10-year ANNUAL CNY policy effective 2024-03-15 (installments every Mar 15, 2024–2033), benefits 2029, 2034, 2044. */
export function issuePolicyData(overrides: Partial<IssuePolicyData> & { policyId: string }): IssuePolicyData {
  return {
    productCode: 'ENDOW-20',
    currency: 'CNY',
    policyholder: {
      name: 'Li Wei',
      gender: 'M',
      birthDate: '1980-01-01',
      idType: 'ID_CARD',
      idNumber: '110101198001010011',
    },
    insured: {
      name: 'Wang Fang',
      gender: 'F',
      birthDate: '1982-05-20',
      idType: 'ID_CARD',
      idNumber: '110101198205200022',
    },
    beneficiaries: [{ name: 'Li Ming', relationship: 'CHILD', order: 1, sharePercent: 100 }],
    sumAssured: cny(10_000_000),
    premium: {
      modalPremium: cny(120_000),
      frequency: 'ANNUAL',
      paymentTermYears: 10,
      paymentMethod: { type: 'BANK_DEBIT', accountRef: 'ACC-1' },
    },
    effectiveDate: '2024-03-15',
    maturityDate: '2044-03-15',
    riders: [],
    survivalBenefits: [
      { periodNo: 1, kind: 'SURVIVAL', dueDate: '2029-03-15', amount: cny(500_000) },
      { periodNo: 2, kind: 'SURVIVAL', dueDate: '2034-03-15', amount: cny(500_000) },
      { periodNo: 3, kind: 'MATURITY', dueDate: '2044-03-15', amount: cny(10_000_000) },
    ],
    servicing: { branchCode: 'BJ01', region: 'NORTH', agentId: 'A-001' },
    ...overrides,
  };
}

export function encodeTestPosition(sequence: number): Position {
  return String(sequence).padStart(20, '0');
}

interface StreamEntry<State> {
  revision: number;
  state: State;
}

export class ScenarioLog {
  readonly events: RecordedEvent[] = [];
  private readonly policies = new Map<string, StreamEntry<PolicyState>>();
  private readonly agents = new Map<string, StreamEntry<AgentState>>();
  private readonly products = new Map<string, ProductVersion>();
  private sequence = 0;

  /** The events appended since `mark` (a previous `events.length`). */
  since(mark: number): RecordedEvent[] {
    return this.events.slice(mark);
  }

  policyState(policyId: string): IssuedPolicy {
    const state = this.policies.get(policyId)?.state;
    if (!state || !isIssued(state)) throw new Error(`Policy ${policyId} was not issued`);
    return state;
  }

  private record(
    streamId: string,
    revision: number,
    stored: { type: string; data: JsonObject; schemaVersion: number },
    today: BusinessDate,
  ): void {
    this.sequence++;
    const eventId = `00000000-0000-4000-8000-${String(this.sequence).padStart(12, '0')}`;
    this.events.push({
      streamId,
      revision,
      position: encodeTestPosition(this.sequence),
      eventId,
      type: stored.type,
      data: stored.data,
      metadata: {
        eventId,
        correlationId: eventId,
        causationId: eventId,
        actor: { id: 'test', roles: ['admin'] },
        channel: 'REST',
        recordedAt: `${today}T10:00:00.000Z`,
        schemaVersion: stored.schemaVersion,
      },
    });
  }

  policyCommand(policyId: string, command: PolicyCommand): this {
    const entry = this.policies.get(policyId) ?? { revision: -1, state: policyDecider.initialState() };
    for (const event of policyDecider.decide(command, entry.state)) {
      entry.revision++;
      entry.state = policyDecider.evolve(entry.state, event);
      const stored = policyEventCodec.encode(event);
      this.record(policyStreamId(policyId), entry.revision, JSON.parse(JSON.stringify(stored)), command.context.today);
    }
    this.policies.set(policyId, entry);
    return this;
  }

  agentCommand(agentId: string, command: AgentCommand): this {
    const entry = this.agents.get(agentId) ?? { revision: -1, state: agentDecider.initialState() };
    for (const event of agentDecider.decide(command, entry.state)) {
      entry.revision++;
      entry.state = agentDecider.evolve(entry.state, event);
      const stored = agentEventCodec.encode(event);
      this.record(agentStreamId(agentId), entry.revision, JSON.parse(JSON.stringify(stored)), command.context.today);
    }
    this.agents.set(agentId, entry);
    return this;
  }

  /**
   * Issues a policy under version 1 of its product, published in its currency and jurisdiction; the product has no
   * cash value unless `cashValuePpm` is given (DESIGN 2.8).
   */
  issue(
    overrides: Partial<IssuePolicyData> & { policyId: string },
    ruleProfile: RuleProfile = CN_RULE_PROFILE,
    cashValuePpm: readonly number[] = [],
    loan: ProductVersion['loan'] = null,
  ): this {
    const data = issuePolicyData(overrides);
    const product: ProductVersion = {
      productCode: data.productCode,
      version: 1,
      publishedOn: '2020-01-02',
      name: data.productCode,
      kind: 'ENDOWMENT',
      jurisdiction: ruleProfile.jurisdiction,
      currency: data.currency,
      freeLook: { days: 15, costDeduction: { amount: 0, currency: data.currency } },
      grace: { noticeShortensGrace: false },
      cashValuePpm,
      loan,
      automaticPremiumLoan: false,
      nonforfeiture: { options: [], default: 'NONE', netSinglePremiumPpm: [], termCostPpm: [] },
    };
    this.products.set(data.policyId, product);
    return this.policyCommand(data.policyId, {
      type: 'IssuePolicy',
      data,
      context: {
        today: data.effectiveDate,
        ruleProfile,
        servicingAgent: { ...data.servicing, role: 'SERVICING', status: 'ACTIVE' },
        product,
      },
    });
  }

  /** The product version the policy was issued under here. */
  private soldUnder(policyId: string): ProductVersion | null {
    return this.products.get(policyId) ?? null;
  }

  /** Pays the next open installment with its scheduled amount. */
  pay(policyId: string, paidOn: BusinessDate): this {
    const next = nextOpenInstallment(this.policyState(policyId));
    if (!next) throw new Error(`${policyId} has no open installment`);
    return this.policyCommand(policyId, {
      type: 'RecordPremiumPayment',
      data: {
        installmentNo: next.installmentNo,
        amount: next.amount,
        paidOn,
        receiptNo: `R-${policyId}-${next.installmentNo}`,
      },
      context: { today: paidOn },
    });
  }

  remind(policyId: string, installmentNo: number, kind: ReminderKind, sentOn: BusinessDate): this {
    return this.policyCommand(policyId, {
      type: 'SendPremiumReminder',
      data: { installmentNo, kind, channel: 'LETTER', sentOn },
      context: { today: sentOn },
    });
  }

  recordDelivery(policyId: string, reminderId: string, outcome: DeliveryOutcome, recordedOn: BusinessDate): this {
    return this.policyCommand(policyId, {
      type: 'RecordReminderDelivery',
      data: { reminderId, outcome, recordedOn },
      context: { today: recordedOn },
    });
  }

  lapse(policyId: string, lapsedOn: BusinessDate): this {
    return this.policyCommand(policyId, { type: 'LapsePolicy', data: { lapsedOn }, context: { today: lapsedOn } });
  }

  waive(policyId: string, eventDate: BusinessDate): this {
    return this.policyCommand(policyId, {
      type: 'WaivePremium',
      data: { reason: 'POLICYHOLDER_TOTAL_DISABILITY', eventDate, evidenceRef: 'MED-1' },
      context: { today: eventDate },
    });
  }

  /** Reinstates with exactly the domain's arrears quote. */
  reinstate(policyId: string, reinstatedOn: BusinessDate): this {
    const quote = reinstatementQuote(this.policyState(policyId), reinstatedOn);
    return this.policyCommand(policyId, {
      type: 'ReinstatePolicy',
      data: { reinstatedOn, arrearsPaid: quote.total, healthDeclarationRef: 'HD-1' },
      context: { today: reinstatedOn },
    });
  }

  transfer(
    policyId: string,
    to: { branchCode: string; region: string; agentId?: string },
    effectiveDate: BusinessDate,
  ): this {
    const toAgent = to.agentId ? this.agentSnapshotOf(to.agentId) : undefined;
    return this.policyCommand(policyId, {
      type: 'TransferPolicy',
      data: {
        toBranchCode: to.branchCode,
        toRegion: to.region,
        effectiveDate,
        reason: 'RELOCATION',
        ...(to.agentId ? { toAgentId: to.agentId } : {}),
      },
      context: { today: effectiveDate, ...(toAgent !== undefined ? { toAgent } : {}) },
    });
  }

  payBenefit(policyId: string, periodNo: number, paidOn: BusinessDate): this {
    return this.policyCommand(policyId, {
      type: 'PaySurvivalBenefit',
      data: {
        periodNo,
        paidOn,
        payee: { name: 'Li Wei', accountRef: 'ACC-1' },
        paymentRef: `PAY-${policyId}-${periodNo}`,
        lifeConfirmationRef: `LIFE-${periodNo}`,
      },
      context: { today: paidOn },
    });
  }

  terminate(policyId: string, terminatedOn: BusinessDate, reason: TerminatePolicyReason): this {
    return this.policyCommand(policyId, {
      type: 'TerminatePolicy',
      data: { terminatedOn, reason },
      context: { today: terminatedOn, product: this.soldUnder(policyId) },
    });
  }

  surrender(policyId: string, requestedOn: BusinessDate): this {
    return this.policyCommand(policyId, {
      type: 'SurrenderPolicy',
      data: { requestedOn, payee: { name: 'Li Wei', accountRef: 'ACC-1' } },
      context: { today: requestedOn, product: this.soldUnder(policyId) },
    });
  }

  cancelInFreeLook(policyId: string, requestedOn: BusinessDate): this {
    return this.policyCommand(policyId, {
      type: 'CancelInFreeLook',
      data: { requestedOn, payee: { name: 'Li Wei', accountRef: 'ACC-1' } },
      context: { today: requestedOn, product: this.soldUnder(policyId) },
    });
  }

  grantLoan(policyId: string, amount: number, grantedOn: BusinessDate): this {
    return this.policyCommand(policyId, {
      type: 'GrantPolicyLoan',
      data: { amount: cny(amount), grantedOn, payee: { name: 'Li Wei', accountRef: 'ACC-1' } },
      context: { today: grantedOn, product: this.soldUnder(policyId) },
    });
  }

  repayLoan(policyId: string, amount: number, paidOn: BusinessDate): this {
    return this.policyCommand(policyId, {
      type: 'RepayPolicyLoan',
      data: { amount: cny(amount), paidOn, receiptNo: `RL-${policyId}-${paidOn}` },
      context: { today: paidOn },
    });
  }

  payout(policyId: string, payableId: string, paidOn: BusinessDate): this {
    return this.policyCommand(policyId, {
      type: 'RecordPayout',
      data: { payableId, paidOn, paymentRef: `TRF-${payableId}` },
      context: { today: paidOn },
    });
  }

  changeContract(
    policyId: string,
    effectiveDate: BusinessDate,
    changes: ContractChange[],
    today: BusinessDate = effectiveDate,
  ): this {
    return this.policyCommand(policyId, {
      type: 'ChangeContract',
      data: { effectiveDate, changes },
      context: { today, product: this.soldUnder(policyId) },
    });
  }

  registerAgent(agentId: string, branchCode = 'BJ01', region = 'NORTH', today: BusinessDate = '2024-01-01'): this {
    return this.agentCommand(agentId, {
      type: 'RegisterAgent',
      data: { agentId, name: `Agent ${agentId}`, role: 'SERVICING', branchCode, region },
      context: { today },
    });
  }

  departAgent(agentId: string, departedOn: BusinessDate, reassignment: ReassignmentStrategy = 'MANUAL'): this {
    return this.agentCommand(agentId, {
      type: 'RecordAgentDeparture',
      data: { departedOn, reassignment },
      context: { today: departedOn },
    });
  }

  reassignOrphan(policyId: string, toAgentId: string, effectiveDate: BusinessDate): this {
    const currentAgent = this.agentSnapshotOf(this.policyState(policyId).servicing.agentId);
    return this.policyCommand(policyId, {
      type: 'ReassignOrphanPolicy',
      data: { toAgentId, effectiveDate },
      context: { today: effectiveDate, currentAgent, assignee: this.agentSnapshotOf(toAgentId), strategy: 'MANUAL' },
    });
  }

  private agentSnapshotOf(agentId: string) {
    const state = this.agents.get(agentId)?.state;
    return state ? agentSnapshot(state) : null;
  }
}
