/**
 * Given / when / then for deciders (Emmett style):
 *   givenPolicy([issued]).when(command).then([expected events])
 *   givenPolicy([issued]).when(command).thenThrows('POLICY_CLOSED')
 * `then` also proves the decided events survive JSON and the event codec unchanged (JSON-only data).
 */
import { type Decider, type EventCodec, type JsonObject } from '@lib/event-sourcing';
import { agentDecider } from '../agent/agent-decider';
import { type AgentCommand } from '../agent/agent-commands';
import { type AgentEvent } from '../agent/agent-events';
import { type AgentState } from '../agent/agent-state';
import { DomainError, type DomainErrorCode } from '../errors';
import { agentEventCodec, policyEventCodec } from '../event-schemas';
import { policyDecider } from '../policy/policy-decider';
import { type PolicyCommand } from '../policy/policy-commands';
import { type PolicyEvent } from '../policy/policy-events';
import { type PolicyState } from '../policy/policy-state';

export interface Decision<Event> {
  /** The command produced exactly these events. */
  then(expected: readonly Event[]): void;
  /** The command was rejected with this code (and, when given, a detail matching `detail`). */
  thenThrows(code: DomainErrorCode, detail?: string | RegExp): DomainError;
  /** The decided events, for assertions on parts of them. */
  events(): Event[];
}

export function decisionSpecification<Command, Event extends { type: string; data: object }, State>(
  decider: Decider<Command, Event, State>,
  codec: EventCodec<Event>,
) {
  const fold = (events: readonly Event[]): State => events.reduce(decider.evolve, decider.initialState());
  return (given: readonly Event[] = []) => ({
    state: (): State => fold(given),
    when: (command: Command): Decision<Event> => {
      const decide = () => decider.decide(command, fold(given));
      return {
        then(expected) {
          const decided = decide();
          expect(decided).toEqual(expected);
          for (const event of decided) {
            const stored = codec.encode(event);
            const reread = codec.decode({ ...stored, data: JSON.parse(JSON.stringify(stored.data)) as JsonObject });
            expect(reread).toStrictEqual(event);
          }
        },
        thenThrows(code, detail) {
          let thrown: unknown;
          try {
            decide();
          } catch (error) {
            thrown = error;
          }
          expect(thrown).toBeInstanceOf(DomainError);
          const domainError = thrown as DomainError;
          expect(domainError.code).toBe(code);
          if (detail !== undefined) expect(domainError.detail).toMatch(detail);
          return domainError;
        },
        events: decide,
      };
    },
  });
}

export const givenPolicy = decisionSpecification<PolicyCommand, PolicyEvent, PolicyState>(
  policyDecider,
  policyEventCodec,
);
export const givenAgent = decisionSpecification<AgentCommand, AgentEvent, AgentState>(agentDecider, agentEventCodec);

/** Folds events into the policy state. */
export function policyStateAfter(events: readonly PolicyEvent[]): PolicyState {
  return events.reduce(policyDecider.evolve, policyDecider.initialState());
}

/** Runs commands one after another, each decided on the state left by the previous ones; returns all events. */
export function eventsOf(commands: readonly PolicyCommand[], given: readonly PolicyEvent[] = []): PolicyEvent[] {
  const events = [...given];
  for (const command of commands) events.push(...policyDecider.decide(command, policyStateAfter(events)));
  return events.slice(given.length);
}
