import type { Rng } from '../../random/rng';
import type { FrozenTrial } from '../../trial/frozen-trial';
import { isFinished } from '../../trial/state';
import { Cma, type Solution } from './cma';
import { CmaWithMargin } from './margin';
import type { UnitSpace } from './unit-space';

export interface ReplayConfig {
  readonly space: UnitSpace;
  /** Mean of the first run, in [0, 1]^n. */
  readonly x0: Float64Array;
  readonly sigma0: number;
  /** Population of the first run; null: 4 + floor(3 ln n). */
  readonly popsize: number | null;
  readonly restartStrategy: 'ipop' | null;
  readonly incPopsize: number;
  /** Completed trials sampled before CMA-ES starts; they are never told. */
  readonly nStartupTrials: number;
  /** 1 to minimise, -1 to maximise: CMA-ES always minimises. */
  readonly sign: number;
  /** The stream trial `number` asks from (so the margin variant can redraw a trial's raw point). */
  readonly askRng: (trialNumber: number) => Rng;
  /** The stream restart `r` draws its random mean from. */
  readonly restartRng: (restart: number) => Rng;
}

/** What the replay has reached, for diagnostics and tests. */
export interface CmaEsState {
  readonly restarts: number;
  readonly popsize: number;
  /** Generations told in the current run. */
  readonly generation: number;
  readonly mean: number[];
  readonly sigma: number;
  /** The last trial told to CMA-ES; -1 before the first generation. */
  readonly lastTrialConsumed: number;
}

/**
 * The CMA-ES state as a pure function of the study's trials, so every process (and a resumed
 * study) reaches the same state without storing it. Trials are read in number order up to the
 * first one still unfinished; past the start-up trials, each run of `popsize` COMPLETE trials is
 * one generation, told in trial order; under IPOP a stopped run restarts from a random mean with
 * `incPopsize` times the population. Finished trials never change and the readable prefix only
 * grows, so the state can be advanced incrementally and still equals a replay from scratch.
 *
 * Sequentially this gives Optuna's generations exactly. With concurrent trials, a trial sampled
 * from an earlier state can be told in a later generation (an "injected" solution, which CMA-ES
 * tolerates), and one slow trial holds back the generations after it until it finishes.
 */
export class CmaReplay {
  private optimizer: Cma | CmaWithMargin;
  private restarts = 0;
  private startupLeft: number;
  private pending: FrozenTrial[] = [];
  private scanned: { number: number; trialId: number } | null = null;
  private lastConsumed = -1;

  constructor(private readonly config: ReplayConfig) {
    this.startupLeft = config.nStartupTrials;
    this.optimizer = this.makeOptimizer(config.x0, config.popsize);
  }

  /**
   * Folds in the trials finished since the last call. Returns false when `trials` is not a
   * continuation of what was read before (another study of the same name): build a new replay.
   */
  advance(trials: readonly FrozenTrial[]): boolean {
    let start = 0;
    if (this.scanned !== null) {
      const { number, trialId } = this.scanned;
      const at = trials.findIndex((t) => t.number === number);
      if (at < 0 || (trials[at] as FrozenTrial).trialId !== trialId) return false;
      start = at + 1;
    }
    for (let i = start; i < trials.length; i++) {
      const t = trials[i] as FrozenTrial;
      if (!isFinished(t.state)) break;
      this.scanned = { number: t.number, trialId: t.trialId };
      const v = t.values?.[0];
      if (t.state !== 'COMPLETE' || v === undefined || !Number.isFinite(v)) continue;
      if (this.startupLeft > 0) {
        this.startupLeft--;
        continue;
      }
      this.pending.push(t);
      if (this.pending.length === this.core().popsize) this.tellPending();
    }
    return true;
  }

  ask(trialNumber: number): Float64Array {
    return this.askFor(trialNumber).x;
  }

  state(): CmaEsState {
    const cma = this.core();
    return {
      restarts: this.restarts,
      popsize: cma.popsize,
      generation: cma.generation,
      mean: Array.from(cma.mean),
      sigma: cma.sigma,
      lastTrialConsumed: this.lastConsumed,
    };
  }

  private core(): Cma {
    return this.optimizer instanceof CmaWithMargin ? this.optimizer.cma : this.optimizer;
  }

  private askFor(trialNumber: number): { x: Float64Array; raw: Float64Array } {
    const rng = this.config.askRng(trialNumber);
    if (this.optimizer instanceof CmaWithMargin) return this.optimizer.ask(rng);
    const x = this.optimizer.ask(rng);
    return { x, raw: x };
  }

  private tellPending(): void {
    const { space, sign } = this.config;
    const solutions: Solution[] = this.pending.map((t) => {
      const y = sign * (t.values?.[0] as number);
      const encoded = space.toUnit(t.params);
      if (!(this.optimizer instanceof CmaWithMargin)) return { x: encoded, y };
      // The margin variant learns from the raw Gaussian draw, not the snapped point. Optuna stores
      // it; here it is redrawn, and kept only if it still gives the trial's values (otherwise the
      // trial was sampled from another state, or enqueued, and its snapped point stands in).
      const { x, raw } = this.askFor(t.number);
      const again = space.fromUnit(x);
      const same = space.names.every((n) => again[n] === t.params[n]);
      return { x: same ? raw : encoded, y };
    });
    this.lastConsumed = (this.pending[this.pending.length - 1] as FrozenTrial).number;
    this.pending = [];
    this.optimizer.tell(solutions);
    if (this.config.restartStrategy === 'ipop' && this.optimizer.shouldStop()) {
      this.restarts++;
      const rng = this.config.restartRng(this.restarts);
      const mean = Float64Array.from({ length: space.names.length }, () => rng.next());
      this.optimizer = this.makeOptimizer(mean, this.core().popsize * this.config.incPopsize);
    }
  }

  private makeOptimizer(mean: Float64Array, popsize: number | null): Cma | CmaWithMargin {
    const n = mean.length;
    const cma = new Cma(mean, this.config.sigma0, popsize, 10 * n);
    if (!this.config.space.withMargin) return cma;
    return new CmaWithMargin(cma, this.config.space.steps());
  }
}
