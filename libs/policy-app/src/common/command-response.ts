import type { Response } from 'express';
import type { WrittenEvents } from './command-runner';

/** REST framing of a command result: ETag = the stream revision; a replay is flagged, the body is the same. */
export function commandResponse<Result extends WrittenEvents>(
  response: Response,
  result: Result,
): Omit<Result, 'replayed'> {
  response.setHeader('ETag', `"${result.revision}"`);
  if (result.replayed) response.setHeader('Idempotent-Replayed', 'true');
  const { replayed: _replayed, ...body } = result;
  return body;
}
