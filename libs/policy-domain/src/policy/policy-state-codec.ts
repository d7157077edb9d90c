/**
 * The issued policy's state as JSON data and back: the one stored form of `IssuedPolicy` (the projection keeps it per
 * stream). The state is plain data — strings, numbers, booleans, null, arrays and objects — so every field is kept as
 * it is and a new state field needs nothing here. Only what `withTermsHistory` derives from the terms history is left
 * out and derived again on reading (the latest sum assured, riders and beneficiaries, the modal premium, frequency and
 * premium schedule): each fact is stored once, and a stored state cannot contradict its own terms.
 *
 * `decodePolicyState(JSON.parse(JSON.stringify(encodePolicyState(policy))))` equals `policy`.
 */
import { type IssuedPolicy, withTermsHistory } from './policy-state';

type PremiumState = IssuedPolicy['premium'];

/** The stored form: the state less the fields derived from its terms history. */
export type PolicyStateData = Omit<IssuedPolicy, 'sumAssured' | 'riders' | 'beneficiaries' | 'premium'> & {
  readonly premium: Omit<PremiumState, 'modalPremium' | 'frequency' | 'schedule'>;
};

export function encodePolicyState(policy: IssuedPolicy): PolicyStateData {
  const { sumAssured: _sumAssured, riders: _riders, beneficiaries: _beneficiaries, premium, ...kept } = policy;
  const { modalPremium: _modalPremium, frequency: _frequency, schedule: _schedule, ...keptPremium } = premium;
  return { ...kept, premium: keptPremium };
}

export function decodePolicyState(data: PolicyStateData): IssuedPolicy {
  // Exactly the fields left out are the ones `withTermsHistory` sets.
  return withTermsHistory(data as IssuedPolicy, data.terms);
}
