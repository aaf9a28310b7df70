import type { Rng } from '../../random/rng';
import type { Distribution } from '../../space/distributions';
import { explore, type ExploreOptions } from './explore';
import type { PBTParams } from './member';

/**
 * One training interval of one member, as the explorer sees the run: the parameters it trained with
 * and its reward (the score signed so that higher is better) before and after. PB2 fits its GP to
 * the reward change per interval; the first interval of a member has `rewardBefore` NaN.
 */
export interface IntervalRecord {
  readonly member: number;
  readonly fromStep: number;
  readonly toStep: number;
  readonly params: PBTParams;
  readonly rewardBefore: number;
  readonly rewardAfter: number;
}

/** What an explore step is given. */
export interface ExploreContext {
  /** The member whose parameters are chosen (the recipient of an exploit). */
  readonly member: number;
  /** The step it continues from. */
  readonly step: number;
  /** The parameters to explore from: the donor's after an exploit, the member's own in explore-only runs. */
  readonly params: PBTParams;
  readonly mutations: Readonly<Record<string, Distribution>>;
  /**
   * The reward (score signed so that higher is better) of the state explored from: the donor's
   * latest after an exploit. PB2 asks its GP about the next interval from this state.
   */
  readonly reward?: number;
  /**
   * Every member's parameters now, by member id (this member's entry is the one being replaced):
   * PB2 conditions its GP on the others, so that a batch does not pick one point twice.
   */
  readonly population?: readonly PBTParams[];
  /** Every interval trained so far, oldest first. */
  readonly history: readonly IntervalRecord[];
  /** Derived for this member and step from the run's seed. */
  readonly rng: Rng;
}

/** PBT's explore step, pluggable: random perturbation (PBT) or a GP-UCB bandit (PB2). */
export type Explorer = (context: ExploreContext) => PBTParams | Promise<PBTParams>;

/** PBT's explore (Jaderberg et al. 2017; Ray Tune's defaults): perturb or resample, within bounds. */
export function perturbExplorer(options: ExploreOptions = {}): Explorer {
  return (context) => explore(context.params, context.mutations, context.rng, options).params;
}
