import type { ParamValue } from '../../space/distributions';

export type PBTParams = Readonly<Record<string, ParamValue>>;

/**
 * One member of a population: anything that can train, be scored and hand over its state. A zoo
 * model's state is its weights and optimizer slots; a toy problem's is a vector. `getState` returns a
 * copy the member no longer owns (the recipient of an exploit takes it over); `setState` makes the
 * member continue exactly as the donor would have.
 */
export interface PBTMember<S> {
  /** Trains from `fromStep` to `toStep` (epochs or steps) with `params` in effect. */
  train(params: PBTParams, fromStep: number, toStep: number): Promise<void> | void;
  /** The score after the last `train`, in the study's direction (the loop signs it). */
  evaluate(): Promise<number> | number;
  getState(): Promise<S> | S;
  setState(state: S): Promise<void> | void;
  /** Called once the run no longer needs the member (and for states the loop made and dropped). */
  dispose?(): void;
  /** Frees a state returned by `getState` that no member took over. */
  disposeState?(state: S): void;
}

/** One exploit, for the lineage log: who copied whom, when, and which parameters before and after. */
export interface ExploitEvent {
  readonly step: number;
  readonly recipient: number;
  readonly donor: number;
  readonly recipientScore: number;
  readonly donorScore: number;
  readonly paramsBefore: PBTParams;
  readonly paramsAfter: PBTParams;
}

/** The parameters a member trained with from `fromStep` on (until the next segment). */
export interface ScheduleSegment {
  readonly fromStep: number;
  readonly params: PBTParams;
}
