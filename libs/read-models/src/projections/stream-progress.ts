/**
 * What the stores keep per projected stream (projection_stream_revisions): the last applied revision and the state
 * after it. Policy and agent streams fold a state (projection-state.ts, with its own stored form); product streams
 * fold nothing, because each of their events carries a whole product version.
 */
import { decodeStreamState, encodeStreamState, type FoldedState } from './projection-state';

/** The state of a product stream: nothing beyond its revision (the store tracks that). */
interface ProductStreamState {
  readonly category: 'product';
}

export type ProjectedState = FoldedState | ProductStreamState;

export interface StreamProgress {
  readonly revision: number;
  readonly folded: ProjectedState;
}

export const PRODUCT_STREAM_STATE: ProductStreamState = Object.freeze({ category: 'product' });

/** The stored form of a product stream's state; never a stored policy or agent state (those have `c` and `v`). */
const STORED_PRODUCT_STATE = '{"c":"r"}';

/** The stored form of a stream's state. */
export function encodeProjectedState(state: ProjectedState): string {
  return state.category === 'product' ? STORED_PRODUCT_STATE : encodeStreamState(state);
}

/** Reads a stored state back (a plain text comparison first: policy states are parsed only once). */
export function decodeProjectedState(text: string): ProjectedState {
  return text === STORED_PRODUCT_STATE ? PRODUCT_STREAM_STATE : decodeStreamState(text);
}
