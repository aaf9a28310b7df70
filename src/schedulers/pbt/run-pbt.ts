import { InvalidArgumentError } from '../../errors';
import { Rng } from '../../random/rng';
import type { Distribution, ParamValue } from '../../space/distributions';
import { sampleUniform } from '../../space/sample-uniform';
import { validateExploreOptions, type ExploreOptions } from './explore';
import { perturbExplorer, type Explorer, type IntervalRecord } from './explorer';
import { ScheduleBook } from './lineage';
import type { ExploitEvent, PBTMember, PBTParams, ScheduleSegment } from './member';
import { readyOrder, validateQuantileFraction } from './quantiles';
import { decideAtReady, type ReadySettings } from './ready';

/** Options of a population-based training run, with Ray Tune's meaning and defaults, camelCased. */
export interface PBTOptions<S> extends ExploreOptions {
  readonly populationSize: number;
  /** Steps (epochs, for models) between two ready points of a member. */
  readonly perturbationInterval: number;
  /** Each member's training budget, in the same unit. */
  readonly totalSteps: number;
  /** No exploit before this step (0). */
  readonly burnInPeriod?: number;
  /** Bottom and top fraction of the population (0.25, at most 0.5). */
  readonly quantileFraction?: number;
  /** Which parameters mutate, over which distributions. */
  readonly hyperparamMutations: Readonly<Record<string, Distribution>>;
  /** Parameters that stay fixed for every member. */
  readonly constants?: Readonly<Record<string, ParamValue>>;
  /** Start values; by default each mutable parameter is drawn from its distribution. */
  readonly initialParams?: (id: number, rng: Rng) => PBTParams;
  readonly direction?: 'maximize' | 'minimize';
  /** Synchronous rounds (every member ready at once) or asynchronous, Ray Tune's default (false). */
  readonly synch?: boolean;
  readonly seed: number;
  readonly createMember: (id: number, params: PBTParams) => PBTMember<S> | Promise<PBTMember<S>>;
  /** Ablations (the PBT paper's Fig. 2): without exploit every member explores its own parameters at each ready point. */
  readonly exploit?: boolean;
  /** Without explore the recipient takes the donor's parameters as they are. */
  readonly explore?: boolean;
  /** How explore chooses new parameters; default PBT's perturbation (`perturbExplorer`), PB2 passes its bandit. */
  readonly explorer?: Explorer;
  /** Called after every evaluation (for progress display and storage). */
  readonly onResult?: (result: { id: number; step: number; score: number; params: PBTParams }) => void;
  readonly onExploit?: (event: ExploitEvent) => void;
}

export interface PBTMemberResult {
  readonly id: number;
  readonly params: PBTParams;
  readonly score: number;
  readonly history: readonly { readonly step: number; readonly score: number }[];
}

export interface PBTResult<S> {
  readonly members: readonly PBTMemberResult[];
  readonly best: PBTMemberResult;
  readonly lineage: readonly ExploitEvent[];
  /** The schedule that produced `members[id]`'s final state, for `replay`. */
  schedule(id: number): ScheduleSegment[];
  /** The member whose initial weights `members[id]`'s final state descends from (a replay builds its model). */
  root(id: number): number;
  /** The live members (the caller disposes them: they may hold the best model). */
  readonly live: readonly PBTMember<S>[];
}

function validate<S>(o: PBTOptions<S>): void {
  const positiveInt = (field: string, v: number) => {
    if (!(Number.isInteger(v) && v >= 1)) throw new InvalidArgumentError(field, v, 'a positive integer');
  };
  positiveInt('populationSize', o.populationSize);
  if (o.populationSize < 2) throw new InvalidArgumentError('populationSize', o.populationSize, 'at least 2');
  positiveInt('perturbationInterval', o.perturbationInterval);
  positiveInt('totalSteps', o.totalSteps);
  const burnIn = o.burnInPeriod ?? 0;
  if (!(Number.isInteger(burnIn) && burnIn >= 0)) {
    throw new InvalidArgumentError('burnInPeriod', burnIn, 'a non-negative integer');
  }
  validateQuantileFraction(o.quantileFraction ?? 0.25);
  validateExploreOptions(o);
  if (o.direction !== undefined && o.direction !== 'maximize' && o.direction !== 'minimize') {
    throw new InvalidArgumentError('direction', o.direction, "'maximize' or 'minimize'");
  }
  if (Object.keys(o.hyperparamMutations).length === 0) {
    throw new InvalidArgumentError('hyperparamMutations', o.hyperparamMutations, 'at least one parameter');
  }
}

/**
 * Population-based training (Jaderberg et al. 2017) in one process: members train for
 * `perturbationInterval` steps, are scored, and a member in the bottom quantile takes over the state
 * of one drawn from the top (exploit) and explores its parameters. With `synch`, every member reaches
 * each ready point before any exploits, as in the paper's synchronous variant; otherwise the member
 * furthest behind trains next and, once ready, is compared with the members that have reached its
 * step, at that step (exactly PBTScheduler's decisions with one worker; Ray Tune compares with each
 * trial's latest score, which for members running side by side is about the same time).
 * Every draw comes from `Rng(seed)` streams derived per member and step, so one seed repeats a run.
 */
export async function runPBT<S>(options: PBTOptions<S>): Promise<PBTResult<S>> {
  validate(options);
  const sign: 1 | -1 = options.direction === 'minimize' ? -1 : 1;
  const q = options.quantileFraction ?? 0.25;
  const burnIn = options.burnInPeriod ?? 0;
  const rng = new Rng(options.seed);
  const n = options.populationSize;
  const params: PBTParams[] = [];
  const members: PBTMember<S>[] = [];
  const steps = new Array<number>(n).fill(0);
  const scores = new Array<number>(n).fill(Number.NaN);
  // Each member's own score at the end of each interval, by step: what the others are compared with.
  const scoreAt = Array.from({ length: n }, () => new Map<number, number>());
  const histories: { step: number; score: number }[][] = [];
  const book = new ScheduleBook();
  const visits = new Map<string, number>();
  const lineage: ExploitEvent[] = [];
  const history: IntervalRecord[] = [];
  // The score of the state each member trains from next: its own last score, or its donor's after an exploit.
  const startScores = new Array<number>(n).fill(Number.NaN);
  const explorer = options.explorer ?? perturbExplorer(options);
  for (let id = 0; id < n; id++) {
    const start = options.initialParams
      ? options.initialParams(id, rng.derive('init', id))
      : initialDraw(options.hyperparamMutations, rng.derive('init', id));
    params.push({ ...options.constants, ...start });
    members.push(await options.createMember(id, params[id] as PBTParams));
    histories.push([]);
    book.start(id, params[id] as PBTParams);
  }

  const trainInterval = async (id: number) => {
    const from = steps[id] as number;
    const to = Math.min(options.totalSteps, from + options.perturbationInterval);
    await (members[id] as PBTMember<S>).train(params[id] as PBTParams, from, to);
    const score = Number(await (members[id] as PBTMember<S>).evaluate());
    history.push({
      member: id,
      fromStep: from,
      toStep: to,
      params: params[id] as PBTParams,
      rewardBefore: sign * (startScores[id] as number),
      rewardAfter: sign * score,
    });
    startScores[id] = score;
    steps[id] = to;
    scores[id] = score;
    scoreAt[id]?.set(to, score);
    histories[id]?.push({ step: to, score });
    options.onResult?.({ id, step: to, score, params: params[id] as PBTParams });
  };

  const settings: ReadySettings = {
    quantileFraction: q,
    burnInPeriod: burnIn,
    totalSteps: options.totalSteps,
    hyperparamMutations: options.hyperparamMutations,
    explorer,
    // Donors are at the recipient's step or past it (their scores below are at its step), so no
    // member is sent back to retrain an interval, and each trains exactly `totalSteps`.
    donorsNotBehind: true,
    ...(options.exploit !== undefined ? { exploit: options.exploit } : {}),
    ...(options.explore !== undefined ? { explore: options.explore } : {}),
  };
  const ready = async (id: number, snapshot: readonly number[]) => {
    const visit = (visits.get(`${id}:${steps[id] as number}`) ?? 0) + 1;
    visits.set(`${id}:${steps[id] as number}`, visit);
    const decision = await decideAtReady(settings, {
      member: id,
      scores: snapshot,
      sign,
      params,
      steps,
      history,
      rng,
      visit,
    });
    if (decision === null) return;
    if (decision.donor !== id) {
      const state = await (members[decision.donor] as PBTMember<S>).getState();
      await (members[id] as PBTMember<S>).setState(state);
      steps[id] = decision.step;
      startScores[id] = scores[decision.donor] as number;
      book.inherit(id, decision.donor, decision.step, decision.params);
    } else {
      book.extend(id, decision.step, decision.params);
    }
    params[id] = decision.params;
    if (decision.event !== null) {
      lineage.push(decision.event);
      options.onExploit?.(decision.event);
    }
  };

  // The population as a member ready at `step` sees it, as PBTScheduler does: each other member's
  // score at that step, or, past it without one (it copied a state from further on), its latest;
  // members still behind take no part. Their latest scores are an interval older, and comparing
  // with them (a score that grows with training looks worse the older it is) made the members that
  // train first in a round almost never exploit, and sent recipients back to donors behind them.
  const scoresAt = (step: number): number[] =>
    scores.map((s, i) => scoreAt[i]?.get(step) ?? ((steps[i] as number) >= step ? s : Number.NaN));

  if (options.synch) {
    while (steps.some((s) => s < options.totalSteps)) {
      for (let id = 0; id < n; id++) await trainInterval(id);
      const snapshot = scores.slice();
      for (let id = 0; id < n; id++) await ready(id, snapshot);
    }
  } else {
    for (;;) {
      // The member furthest behind goes next: a single-process stand-in for members that report
      // whenever they are ready. Ties go by a seeded order drawn afresh at each step (`readyOrder`).
      const behind = Math.min(...steps.filter((s) => s < options.totalSteps));
      if (!Number.isFinite(behind)) break;
      const rank = readyOrder(rng, n, behind);
      let id = -1;
      for (let i = 0; i < n; i++)
        if (steps[i] === behind && (id < 0 || (rank[i] as number) < (rank[id] as number))) id = i;
      await trainInterval(id);
      await ready(id, scoresAt(steps[id] as number));
    }
  }

  const results: PBTMemberResult[] = members.map((_, id) => ({
    id,
    params: params[id] as PBTParams,
    score: scores[id] as number,
    history: histories[id] ?? [],
  }));
  const best = results.reduce((a, b) => (sign * b.score > sign * a.score ? b : a));
  return {
    members: results,
    best,
    lineage,
    schedule: (id) => book.scheduleOf(id),
    root: (id) => book.rootOf(id),
    live: members,
  };
}

function initialDraw(mutations: Readonly<Record<string, Distribution>>, rng: Rng): PBTParams {
  const out: Record<string, ParamValue> = {};
  for (const name of Object.keys(mutations).sort()) out[name] = sampleUniform(mutations[name] as Distribution, rng);
  return out;
}
