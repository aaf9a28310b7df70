import { InvalidArgumentError, TfjsTuneError } from '../errors';
import type { StudyView } from '../study/study-view';
import type { FrozenTrial } from '../trial/frozen-trial';
import type { JsonValue } from '../trial/json';
import type { StudyDirection, TrialState } from '../trial/state';
import type { Pruner } from './base';
import { SuccessiveHalvingPruner, canWriteTrialSystemAttrs, type TrialSystemAttrWriter } from './successive-halving';

export interface HyperbandPrunerOptions {
  /** Steps before the first rung of the most aggressive bracket. Default 1. */
  readonly minResource?: number;
  /**
   * The most steps a trial runs (e.g. epochs). 'auto' (default): the last step of the longest trial
   * completed when the pruner first looks, plus one; nothing is pruned before that.
   */
  readonly maxResource?: number | 'auto';
  /** eta, shared by every bracket. Default 3. */
  readonly reductionFactor?: number;
  /** Per bracket, see {@link SuccessiveHalvingPruner}; needs a fixed `maxResource`. Default 0. */
  readonly bootstrapCount?: number;
}

interface Brackets {
  readonly pruners: readonly SuccessiveHalvingPruner[];
  /** Each bracket's weight when trials are assigned: Hyperband's n_s up to a common factor. */
  readonly budgets: readonly number[];
  readonly totalBudget: number;
}

function checkInteger(field: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new InvalidArgumentError(field, value, `an integer >= ${min}`);
  return value;
}

function crcTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}
const CRC_TABLE: Readonly<Uint32Array> = crcTable();

/** CRC-32 (IEEE, as zlib and Python's binascii.crc32) of a string's UTF-8 bytes. */
export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of new TextEncoder().encode(text)) {
    crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** The largest s with minResource * eta^s <= maxResource, plus one (integer math, no log rounding). */
export function hyperbandBracketCount(minResource: number, maxResource: number, reductionFactor: number): number {
  let n = 1;
  while (minResource * reductionFactor ** n <= maxResource) n++;
  return n;
}

/**
 * Hyperband (Li et al. 2018) as Optuna's HyperbandPruner: several {@link SuccessiveHalvingPruner}
 * brackets, bracket b starting its first rung at minResource * eta^b. Each trial belongs to one
 * bracket, chosen from CRC-32 of "<study name>_<trial number>" weighted by the brackets' trial
 * budgets — a pure function of data every process has, so processes agree without coordinating
 * and the assignment is the same as Optuna's. Each bracket judges a trial only against the
 * trials of its own bracket.
 *
 * @example
 * ```ts
 * const pruner = new tune.HyperbandPruner({ minResource: 1, maxResource: 81, reductionFactor: 3 });
 * ```
 */
export class HyperbandPruner implements Pruner {
  readonly minResource: number;
  readonly reductionFactor: number;
  readonly bootstrapCount: number;
  private maxResourceValue: number | null;
  private brackets: Brackets | null = null;

  constructor(options: HyperbandPrunerOptions = {}) {
    this.minResource = checkInteger('minResource', options.minResource ?? 1, 1);
    this.reductionFactor = checkInteger('reductionFactor', options.reductionFactor ?? 3, 2);
    this.bootstrapCount = checkInteger('bootstrapCount', options.bootstrapCount ?? 0, 0);
    const maxResource = options.maxResource ?? 'auto';
    if (maxResource !== 'auto') checkInteger('maxResource', maxResource, this.minResource);
    if (this.bootstrapCount > 0 && maxResource === 'auto') {
      throw new InvalidArgumentError('bootstrapCount', this.bootstrapCount, "0 when maxResource is 'auto'");
    }
    this.maxResourceValue = maxResource === 'auto' ? null : maxResource;
    // With a fixed maximum the brackets are known now, so the very first trial is assigned the same
    // way in every process (Optuna waits for the first prune call).
    if (this.maxResourceValue !== null) this.brackets = this.buildBrackets(this.maxResourceValue);
  }

  /** The maximum resource: fixed, or estimated once a trial has completed ('auto'). */
  get maxResource(): number | null {
    return this.maxResourceValue;
  }

  /** The number of brackets, or null while an 'auto' maximum resource is unknown. */
  get nBrackets(): number | null {
    return this.brackets?.pruners.length ?? null;
  }

  /** Each bracket's weight in the assignment: ceil(nBrackets * eta^s / (s + 1)), s = nBrackets - 1 - b. */
  get trialAllocationBudgets(): readonly number[] {
    return this.brackets?.budgets ?? [];
  }

  /** The bracket of trial `trialNumber` in study `studyName` (0 while the brackets are unknown). */
  bracketOf(studyName: string, trialNumber: number): number {
    if (this.brackets === null) return 0;
    let n = crc32(`${studyName}_${trialNumber}`) % this.brackets.totalBudget;
    for (let b = 0; b < this.brackets.budgets.length; b++) {
      n -= this.brackets.budgets[b] as number;
      if (n < 0) return b;
    }
    throw new TfjsTuneError('unreachable: bracket budgets do not cover their total');
  }

  prune(study: StudyView, trial: FrozenTrial): boolean {
    const brackets = this.initialized(study);
    if (brackets === null) return false;
    const bracketId = this.bracketOf(study.studyName, trial.number);
    return (brackets.pruners[bracketId] as SuccessiveHalvingPruner).prune(this.bracketStudy(study, bracketId), trial);
  }

  /**
   * The study as a sampler should see it when sampling `trial`: only the trials of its bracket, so
   * that a model-based sampler learns from trials judged on the same footing (Optuna's
   * `_filter_study`). The whole study while the brackets are unknown.
   */
  filterStudyForSampler(study: StudyView, trial: FrozenTrial): StudyView {
    if (this.initialized(study) === null) return study;
    return this.bracketStudy(study, this.bracketOf(study.studyName, trial.number));
  }

  /** The study restricted to the trials of one bracket. */
  bracketStudy(study: StudyView, bracketId: number): StudyView {
    return new BracketStudyView(study, bracketId, (n) => this.bracketOf(study.studyName, n));
  }

  private initialized(study: StudyView): Brackets | null {
    if (this.brackets !== null) return this.brackets;
    let longest: number | null = null;
    for (const t of study.getTrials({ states: ['COMPLETE'] })) {
      const last = t.lastStep;
      if (last !== null && (longest === null || last > longest)) longest = last;
    }
    if (longest === null) return null;
    // Steps count from 0, so a trial whose last step is 26 ran 27 steps.
    this.maxResourceValue = Math.max(longest + 1, this.minResource);
    this.brackets = this.buildBrackets(this.maxResourceValue);
    return this.brackets;
  }

  private buildBrackets(maxResource: number): Brackets {
    const n = hyperbandBracketCount(this.minResource, maxResource, this.reductionFactor);
    const pruners: SuccessiveHalvingPruner[] = [];
    const budgets: number[] = [];
    for (let b = 0; b < n; b++) {
      const s = n - 1 - b;
      // Hyperband's n for bracket s, up to a common factor: the share of trials it should get.
      budgets.push(Math.ceil((n * this.reductionFactor ** s) / (s + 1)));
      pruners.push(
        new SuccessiveHalvingPruner({
          minResource: this.minResource,
          reductionFactor: this.reductionFactor,
          minEarlyStoppingRate: b,
          bootstrapCount: this.bootstrapCount,
        }),
      );
    }
    return { pruners, budgets, totalBudget: budgets.reduce((a, c) => a + c, 0) };
  }
}

/** A study seen through one bracket: reads filtered, writes and `stop` passed to the real study. */
class BracketStudyView implements StudyView, TrialSystemAttrWriter {
  constructor(
    private readonly study: StudyView,
    readonly bracketId: number,
    private readonly bracketOf: (trialNumber: number) => number,
  ) {}

  get studyName(): string {
    return this.study.studyName;
  }

  get directions(): readonly StudyDirection[] {
    return this.study.directions;
  }

  get seed(): number {
    return this.study.seed;
  }

  get systemAttrs(): Readonly<Record<string, JsonValue>> {
    return this.study.systemAttrs;
  }

  getTrials(options?: { states?: readonly TrialState[] }): readonly FrozenTrial[] {
    const trials = options === undefined ? this.study.getTrials() : this.study.getTrials(options);
    return trials.filter((t) => this.bracketOf(t.number) === this.bracketId);
  }

  stop(): void {
    this.study.stop();
  }

  setTrialSystemAttr(trialNumber: number, key: string, value: JsonValue): void {
    if (!canWriteTrialSystemAttrs(this.study)) {
      throw new TfjsTuneError(
        'HyperbandPruner needs a study that records trial system attributes (StudyView.setTrialSystemAttr)',
      );
    }
    this.study.setTrialSystemAttr(trialNumber, key, value);
  }
}
