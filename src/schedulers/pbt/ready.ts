import type { Rng } from '../../random/rng';
import type { Distribution } from '../../space/distributions';
import type { Explorer, IntervalRecord } from './explorer';
import type { ExploitEvent, PBTParams } from './member';
import { quantiles } from './quantiles';

// The one place that decides what happens when a member is ready (at the end of an interval): who
// exploits whom and what explore gives. `runPBT` (members in memory) and `PBTScheduler` (jobs
// recorded as study trials) both call it, so the two cannot drift apart.

/** The run's settings the decision reads. */
export interface ReadySettings {
  readonly quantileFraction: number;
  readonly burnInPeriod: number;
  readonly totalSteps: number;
  readonly hyperparamMutations: Readonly<Record<string, Distribution>>;
  /** Ablation: without exploit every member explores its own parameters at each ready point. */
  readonly exploit?: boolean;
  /** Ablation: without explore the recipient takes the donor's parameters as they are. */
  readonly explore?: boolean;
  readonly explorer: Explorer;
  /**
   * Only donors that have trained at least as far as the recipient (`runPBT` and PBTScheduler both
   * set it): copying one that is behind sends the recipient back, and with noisy scores members
   * trade states back and forth (measured: 66 intervals for a budget of 12 in a population of 3);
   * with it each member trains exactly its budget.
   */
  readonly donorsNotBehind?: boolean;
}

/** The population as the ready member sees it. */
export interface ReadyInput {
  readonly member: number;
  /** Every member's latest score (raw, in the study's direction; NaN when it has none). */
  readonly scores: readonly number[];
  /** +1 to maximise, −1 to minimise: scores are signed once, so everything below maximises. */
  readonly sign: 1 | -1;
  readonly params: readonly PBTParams[];
  readonly steps: readonly number[];
  readonly history: readonly IntervalRecord[];
  /** The run's root stream: the decision draws from `rng.derive('ready', member, step)` alone. */
  readonly rng: Rng;
  /**
   * The member's last interval failed (threw, or scored NaN): it must take another member's state,
   * from the top quantile or, when the population is too small for one, the best scored member.
   */
  readonly failed?: boolean;
  /**
   * How many times the member has been ready at this step (1 the first time). A member sent back to
   * a step it has seen draws afresh there: with the same draws it could repeat the same exploit forever.
   */
  readonly visit?: number;
}

/** What the ready member does next. */
export interface ReadyDecision {
  /** The member whose state it continues from (itself when it only explores). */
  readonly donor: number;
  /** The step it continues from: the donor's (an exploit restores the donor's state). */
  readonly step: number;
  readonly params: PBTParams;
  /** For the lineage log; null when the member keeps its own state and parameters. */
  readonly event: ExploitEvent | null;
}

/**
 * PBT's ready step (Jaderberg et al. 2017; Ray Tune's rules): a member in the bottom quantile takes
 * the state and parameters of one drawn from the top, then explores them. Returns null when nothing
 * changes (not in the bottom, before `burnInPeriod`, at the end of the budget), or, for a failed
 * member, when no other member has a score to copy.
 */
export async function decideAtReady(settings: ReadySettings, input: ReadyInput): Promise<ReadyDecision | null> {
  const { member: id, sign, scores, params, steps } = input;
  const step = steps[id] as number;
  if (!input.failed && (step >= settings.totalSteps || step < settings.burnInPeriod)) return null;
  const visit = input.visit ?? 1;
  const stepRng = visit === 1 ? input.rng.derive('ready', id, step) : input.rng.derive('ready', id, step, visit);
  const scored = scores.map((s, i) => ({ id: i, score: sign * s }));
  const { bottom, top } = quantiles(scored, settings.quantileFraction, stepRng);
  const exploit = settings.exploit !== false || input.failed === true;
  // Explore-only (the paper's ablation): every member perturbs its own parameters at each ready point.
  if (exploit && !input.failed && !bottom.includes(id)) return null;
  const before = params[id] as PBTParams;
  let next = before;
  let donor = id;
  let copyStep = step;
  if (exploit) {
    const candidates = top.filter(
      (d) => d !== id && (settings.donorsNotBehind !== true || (steps[d] as number) >= step),
    );
    if (candidates.length > 0) donor = stepRng.choice(candidates);
    else if (!input.failed) return null;
    else {
      const best = bestOther(scored, id);
      if (best === null) return null;
      donor = best;
    }
    next = params[donor] as PBTParams;
    // The recipient continues from the donor's step, as a restored checkpoint would: in the
    // asynchronous variant the donor may be ahead (or behind, up to the lag allowed).
    copyStep = steps[donor] as number;
  }
  if (settings.explore !== false) {
    next = await settings.explorer({
      member: id,
      step: copyStep,
      params: next,
      mutations: settings.hyperparamMutations,
      // The state explored from is the donor's (the member's own when it keeps its state): PB2 asks
      // its GP about the next interval from that reward.
      ...(Number.isFinite(scores[donor]) ? { reward: sign * (scores[donor] as number) } : {}),
      population: params.slice(),
      history: input.history,
      rng: stepRng,
    });
  }
  const event: ExploitEvent | null =
    donor !== id || settings.exploit === false
      ? {
          step: copyStep,
          recipient: id,
          donor,
          recipientScore: scores[id] as number,
          donorScore: scores[donor] as number,
          paramsBefore: before,
          paramsAfter: next,
        }
      : null;
  return { donor, step: copyStep, params: next, event };
}

function bestOther(scored: readonly { id: number; score: number }[], id: number): number | null {
  let best: { id: number; score: number } | null = null;
  for (const m of scored)
    if (m.id !== id && Number.isFinite(m.score) && (best === null || m.score > best.score)) best = m;
  return best?.id ?? null;
}
