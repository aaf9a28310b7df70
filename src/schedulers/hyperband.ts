import { InvalidArgumentError } from '../errors';
import type { Study } from '../study/study';
import type { FrozenTrial } from '../trial/frozen-trial';
import { HYPERBAND_KEY, rankTrials, slotOf, type HyperbandSlot } from '../trial/hyperband-slot';
import { hyperbandSchedule, type HyperbandBracket } from './hyperband-schedule';
import type { Decision, Job, JobOutcome, Scheduler } from './scheduler';
import { discardSlotTrial, isSpent, standsForItsJob } from './slot-claims';
import { BRACKETS_DONE_KEY, createSlotTrial, jobOfSlot, prepareSlotStudy } from './slot-study';

export interface HyperbandSchedulerOptions {
  /** Epochs of a fully trained model (R in the paper): the last round of every bracket trains to it. */
  readonly maxEpochs: number;
  /** eta: each round keeps the top 1/factor and trains it factor times longer. Default 3. */
  readonly factor?: number;
  /** The smallest budget a bracket starts at. Default 1. */
  readonly minEpochs?: number;
  /** How many times the whole set of brackets runs. Default 1. */
  readonly iterations?: number;
  /**
   * Other processes run this study's jobs too (`tfjs-tune worker`): `prepare` leaves RUNNING trials
   * to the study's heartbeats (`nextJob` fails stale ones first, shared or not). See
   * `ASHASchedulerOptions.shared`.
   */
  readonly shared?: boolean;
}

/** Where the search stands: the round in progress, counted over every iteration and bracket. */
interface Position {
  readonly iteration: number;
  readonly bracket: HyperbandBracket;
  /** 1-based count of brackets up to this one, across iterations (the BRACKETS_DONE_KEY unit). */
  readonly bracketIndex: number;
  readonly round: number;
}

/**
 * Synchronous Hyperband (Li et al. 2018) as a {@link Scheduler}: for each iteration, each bracket
 * (most aggressive first) and each round, the round's trials are created WAITING together (so
 * several workers can train a round at once) and handed out oldest first; `nextJob` says null until
 * every one of them has ended, then the next round promotes the top `configs` COMPLETE trials of this
 * one. Each trial is one configuration trained for one round (as KerasTuner): a promoted configuration
 * is a new trial with its parent's params and a `continue` start from the parent, whose training
 * resumes the parent's checkpoint. One trial per configuration across rounds would keep trials
 * RUNNING while they wait for the rest of their round, which heartbeats would fail and which storage
 * forbids changing once finished; this way every finished trial is a final, durable record.
 *
 * The state is recomputed from the trials' `hyperband` system attributes (`src/trial/hyperband-slot.ts`),
 * so a search reloaded from storage skips finished slots and runs the rest; trials left WAITING run
 * first, and trials a dead process left RUNNING are failed by `prepare` and their slots run again.
 * Never stops or pauses a running job (its rounds do the stopping). Releases the trials of a finished
 * bracket trained to fewer than `maxEpochs` (nothing continues them); fully trained ones are the
 * results.
 */
export class HyperbandScheduler implements Scheduler {
  readonly name = 'hyperband';
  readonly maxEpochs: number;
  readonly factor: number;
  readonly minEpochs: number;
  readonly iterations: number;
  /** The brackets of one iteration, most aggressive first. */
  readonly schedule: readonly HyperbandBracket[];
  /** Trials handed out by this object (a WAITING one among them is not handed out again). */
  private readonly handedOut = new Set<number>();
  private readonly released = new Set<number>();
  private cursor = 0;
  private readonly shared: boolean;

  constructor(options: HyperbandSchedulerOptions) {
    this.shared = options.shared === true;
    this.maxEpochs = options.maxEpochs;
    this.factor = options.factor ?? 3;
    this.minEpochs = options.minEpochs ?? 1;
    this.iterations = options.iterations ?? 1;
    this.schedule = hyperbandSchedule(this.maxEpochs, this.factor, this.minEpochs);
    if (!Number.isInteger(this.iterations) || this.iterations < 1)
      throw new InvalidArgumentError('hyperbandIterations', options.iterations, 'an integer >= 1');
  }

  async prepare(study: Study): Promise<void> {
    await prepareSlotStudy(study, HYPERBAND_KEY, this, { failRunning: !this.shared });
    this.handedOut.clear();
    this.released.clear();
    this.cursor = 0;
  }

  async nextJob(study: Study): Promise<Job | null | 'done'> {
    // A dead process's RUNNING trial would hold its round back for good: heartbeats decide.
    await study.failStaleTrialsIfDue();
    await study.refresh();
    for (let at = this.position(this.cursor); at !== null; at = this.position(this.cursor)) {
      const trials = await this.roundTrials(study, at);
      // Several processes may have made the round's trials at once: the lower-numbered ones stand.
      const configs = at.bracket.rounds[0]?.configs ?? 0;
      const all = study.getTrials();
      const duplicates = trials.filter((t) => t.state === 'WAITING' && !standsForItsJob(t, all, configs));
      if (duplicates.length > 0) {
        for (const t of duplicates) await discardSlotTrial(study, t, 'another trial stands for the same Hyperband job');
        await study.refresh();
        continue;
      }
      const free = trials.find((t) => t.state === 'WAITING' && !this.handedOut.has(t.number));
      if (free !== undefined) {
        this.handedOut.add(free.number);
        return jobOfSlot(free.number, slotOf(free) as HyperbandSlot);
      }
      if (trials.some((t) => t.state === 'WAITING' || t.state === 'RUNNING')) return null; // the round runs
      this.cursor++;
      const next = this.position(this.cursor);
      if (next === null || next.bracketIndex !== at.bracketIndex) await this.bracketEnded(study, at);
    }
    return 'done';
  }

  onResult(_job: Job, _result: unknown): Decision {
    return 'continue';
  }

  async onJobEnd(_job: Job, _outcome: JobOutcome): Promise<void> {
    // The round's state is read back from storage on the next `nextJob`.
  }

  releasable(): readonly number[] {
    return [...this.released];
  }

  /** The round at `index` (rounds counted over iterations and brackets), or null past the last. */
  private position(index: number): Position | null {
    let left = index;
    let bracketIndex = 0;
    for (let iteration = 0; iteration < this.iterations; iteration++) {
      for (const bracket of this.schedule) {
        bracketIndex++;
        if (left < bracket.rounds.length) return { iteration, bracket, bracketIndex, round: left };
        left -= bracket.rounds.length;
      }
    }
    return null;
  }

  /**
   * The round's trials, creating the missing ones WAITING: round 0 has `configs` new configurations;
   * a later round continues the top `configs` COMPLETE trials of the one before (fewer if fewer
   * completed). Interrupted trials do not count: their slots are made again.
   */
  private async roundTrials(study: Study, at: Position): Promise<FrozenTrial[]> {
    const spec = at.bracket.rounds[at.round] as HyperbandBracket['rounds'][number];
    const existing = slotTrials(study, at.iteration, at.bracket.s, at.round);
    const parents: (FrozenTrial | null)[] =
      at.round === 0
        ? Array.from({ length: spec.configs }, () => null)
        : rankTrials(slotTrials(study, at.iteration, at.bracket.s, at.round - 1), study.direction).slice(
            0,
            spec.configs,
          );
    let created = false;
    for (let j = 0; j < parents.length; j++) {
      const parent = parents[j] ?? null;
      const found = parent === null ? existing[j] : existing.find((t) => slotOf(t)?.parent === parent.number);
      if (found !== undefined) continue;
      const slot: HyperbandSlot = {
        iteration: at.iteration,
        bracket: at.bracket.s,
        round: at.round,
        initialEpoch: parent === null ? 0 : (slotOf(parent) as HyperbandSlot).epochs,
        epochs: spec.epochs,
        parent: parent?.number ?? null,
      };
      await createSlotTrial(study, slot, parent);
      created = true;
    }
    if (created) await study.refresh();
    return created ? slotTrials(study, at.iteration, at.bracket.s, at.round) : existing;
  }

  /** Records the bracket as done and releases its partly trained trials. */
  private async bracketEnded(study: Study, at: Position): Promise<void> {
    const done = study.systemAttrs[BRACKETS_DONE_KEY];
    if (typeof done !== 'number' || done < at.bracketIndex)
      await study.setSystemAttr(BRACKETS_DONE_KEY, at.bracketIndex);
    for (const t of slotTrials(study, at.iteration, at.bracket.s, null)) {
      if ((slotOf(t)?.epochs ?? this.maxEpochs) < this.maxEpochs) this.released.add(t.number);
    }
  }
}

/** The slot's trials that count (interrupted and discarded ones do not), in number order; `round` null: all rounds. */
function slotTrials(study: Study, iteration: number, bracket: number, round: number | null): FrozenTrial[] {
  return study.getTrials().filter((t) => {
    const slot = slotOf(t);
    return (
      slot !== null &&
      slot.iteration === iteration &&
      slot.bracket === bracket &&
      (round === null || slot.round === round) &&
      !isSpent(t)
    );
  });
}
