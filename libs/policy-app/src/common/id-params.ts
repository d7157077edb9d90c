import { Injectable, type PipeTransform } from '@nestjs/common';
import { AGENT_ID_PATTERN, POLICY_ID_PATTERN, PRODUCT_CODE_PATTERN } from '@lib/policy-domain';
import { ApiProblem } from '../problem/api-problem';

function idPipe(name: string, pattern: RegExp): new () => PipeTransform<string, string> {
  @Injectable()
  class IdPipe implements PipeTransform<string, string> {
    transform(value: string): string {
      if (!pattern.test(value)) {
        throw ApiProblem.validation(`Path parameter ${name} must match ${pattern.source}`, [
          { path: name, message: `must match ${pattern.source}` },
        ]);
      }
      return value;
    }
  }
  return IdPipe;
}

/** Path parameters are checked like body fields: a malformed id is 400, a well-formed unknown one 404. */
export const PolicyIdPipe = idPipe('id', POLICY_ID_PATTERN);
export const AgentIdPipe = idPipe('id', AGENT_ID_PATTERN);
export const ProductCodePipe = idPipe('code', PRODUCT_CODE_PATTERN);
export const ReminderIdPipe = idPipe('reminderId', /^[A-Z0-9][A-Z0-9-]{3,31}-R[1-9]\d{0,6}$/);
export const EndorsementNoPipe = idPipe('endorsementNo', /^[A-Z0-9][A-Z0-9-]{3,31}-E[1-9]\d{0,6}$/);
export const PayableIdPipe = idPipe('payableId', /^[A-Z0-9][A-Z0-9-]{3,31}-P[1-9]\d{0,6}$/);
