import { rmSync } from 'node:fs';
import { join } from 'node:path';

import { InvalidArgumentError, TfjsTuneError, TrialPruned } from '../errors';
import { FAIL_REASON_KEY } from '../storage/base';
import type { Study } from '../study/study';
import type { Trial } from '../study/trial';
import type { TrainSlot } from '../training/train-slot';
import type { FrozenTrial } from '../trial/frozen-trial';
import { HYPERBAND_KEY, rankTrials, slotOf, type HyperbandSlot } from '../trial/hyperband-slot';
import { silentLogger, type Logger } from '../util/logger';
import { hyperbandSchedule, type HyperbandBracket } from '../schedulers/hyperband-schedule';

// The slot record lives with the trial records, so samplers (BOHB) read it without importing the tuners.
export { HYPERBAND_KEY, rankTrials, slotOf };
export type { HyperbandSlot };

/** Study system attribute: brackets finished so far, counted across iterations. */
export const BRACKETS_DONE_KEY = 'hyperband_brackets_done';
/** Study system attribute of an ASHA search (`runASHA`), whose trials carry the same slots. */
export const ASHA_KEY = 'asha';
/** Set on trials left RUNNING by a process that died; their slot is run again. */
export const INTERRUPTED_KEY = 'hyperband_interrupted';

/**
 * Runs a round's WAITING trials (their numbers, oldest first) to the end: each is claimed with
 * `study.ask()`, trained as its `hyperband` attribute says and told. {@link inProcessRounds} does it
 * one at a time in this process; `tfjs-tune run` hands them to worker threads.
 */
export type RoundExecutor = (study: Study, waiting: readonly number[]) => Promise<void>;

export interface HyperbandLoopOptions {
  readonly maxEpochs: number;
  readonly factor: number;
  /** The smallest budget a bracket starts at. Default 1. */
  readonly minEpochs?: number;
  readonly iterations: number;
  /** Called with a bracket's trials once it has finished (the tuner deletes checkpoints no one needs). */
  readonly onBracketEnd?: (trials: readonly FrozenTrial[]) => void | Promise<void>;
}

/**
 * Synchronous Hyperband over a study: for each iteration, each bracket (most aggressive first) and
 * each round, the round's trials are created, trained by `train` and told; the next round promotes
 * the top `configs` COMPLETE trials of this one. Each trial is one configuration trained for one
 * round (option (a), as KerasTuner): a promoted configuration is a new trial created WAITING with its
 * parent's params and distributions and a `parent` link, whose training resumes the parent's
 * checkpoint. One trial per configuration across rounds (option (b)) would keep trials RUNNING while
 * they wait for the rest of their round, which heartbeats would fail and which storage forbids
 * changing once finished; with (a) every finished trial is a final, durable record.
 *
 * Resumable: the state is recomputed from the trials' `hyperband` attributes, so a search reloaded
 * from storage skips finished slots and runs the rest. A trial found RUNNING when the loop starts was
 * left by a dead process (the loop is meant for one process at a time): it is marked FAIL and its slot
 * runs again. `study.stop()` ends the loop after the trial in flight.
 */
export async function runHyperband(study: Study, options: HyperbandLoopOptions, execute: RoundExecutor): Promise<void> {
  const schedule = hyperbandSchedule(options.maxEpochs, options.factor, options.minEpochs ?? 1);
  if (!Number.isInteger(options.iterations) || options.iterations < 1)
    throw new InvalidArgumentError('hyperbandIterations', options.iterations, 'an integer >= 1');
  await prepareScheduledStudy(study, HYPERBAND_KEY, options);
  let bracketIndex = 0;
  for (let iteration = 0; iteration < options.iterations; iteration++) {
    for (const bracket of schedule) {
      bracketIndex++;
      for (let round = 0; round < bracket.rounds.length; round++) {
        if (await runRound(study, iteration, bracket, round, execute)) return;
      }
      const done = study.systemAttrs[BRACKETS_DONE_KEY];
      if (typeof done !== 'number' || done < bracketIndex) await study.setSystemAttr(BRACKETS_DONE_KEY, bracketIndex);
      await options.onBracketEnd?.(trialsOf(study, iteration, bracket.s, null));
    }
  }
}

/** The slot's trials that count (interrupted ones do not), in number order; `round` null: all rounds. */
function trialsOf(study: Study, iteration: number, bracket: number, round: number | null): FrozenTrial[] {
  return study.getTrials().filter((t) => {
    const slot = slotOf(t);
    return (
      slot !== null &&
      slot.iteration === iteration &&
      slot.bracket === bracket &&
      (round === null || slot.round === round) &&
      !wasInterrupted(t)
    );
  });
}

/**
 * Left RUNNING by a dead process: marked by this loop at start, or failed by the study's heartbeat
 * check first (storages word that reason "no heartbeat ..."). Such a slot runs again.
 */
export function wasInterrupted(t: FrozenTrial): boolean {
  return t.systemAttrs[INTERRUPTED_KEY] === true || (t.state === 'FAIL' && /^no heartbeat/.test(t.failReason ?? ''));
}

/**
 * Creates the round's missing trials WAITING (all of them first, so several workers can train the
 * round at once), then has `execute` run every WAITING one; true when the study was asked to stop.
 */
async function runRound(
  study: Study,
  iteration: number,
  bracket: HyperbandBracket,
  round: number,
  execute: RoundExecutor,
): Promise<boolean> {
  const spec = bracket.rounds[round] as HyperbandBracket['rounds'][number];
  const existing = trialsOf(study, iteration, bracket.s, round);
  const parents: (FrozenTrial | null)[] =
    round === 0
      ? Array.from({ length: spec.configs }, () => null)
      : rankTrials(trialsOf(study, iteration, bracket.s, round - 1), study.direction).slice(0, spec.configs);
  const waiting: number[] = [];
  for (let j = 0; j < parents.length; j++) {
    const parent = parents[j] ?? null;
    const found = parent === null ? existing[j] : existing.find((t) => slotOf(t)?.parent === parent.number);
    if (found !== undefined && found.state !== 'WAITING') continue; // finished in this or an earlier run
    const slot: HyperbandSlot = {
      iteration,
      bracket: bracket.s,
      round,
      initialEpoch: parent === null ? 0 : (slotOf(parent) as HyperbandSlot).epochs,
      epochs: spec.epochs,
      parent: parent?.number ?? null,
    };
    waiting.push(found?.number ?? (await createWaiting(study, slot, parent)));
  }
  if (waiting.length > 0) {
    await execute(study, waiting);
    await study.refresh();
  }
  return study.isStopRequested;
}

/** Creates the slot's trial WAITING, in one storage write with its slot (and a promoted one's params). */
export async function createWaiting(study: Study, slot: HyperbandSlot, parent: FrozenTrial | null): Promise<number> {
  const created = await study.storage.createTrial(study.studyId, {
    state: 'WAITING',
    systemAttrs: { [HYPERBAND_KEY]: { ...slot } },
    ...(parent === null ? {} : { params: parent.params, distributions: parent.distributions }),
  });
  if (created === null) throw new TfjsTuneError('the storage refused to create a Hyperband trial');
  return created.number;
}

/**
 * The executor of one process: asks for each WAITING trial in turn (the oldest WAITING trial is
 * handed out first, so they come in the order given) and trains it; stops early on `study.stop()`.
 */
export function inProcessRounds(train: TrainSlot, logger: Logger = silentLogger): RoundExecutor {
  return async (study, waiting) => {
    for (const expected of waiting) {
      const trial = await study.ask();
      if (trial.number !== expected) {
        const reason =
          `Hyperband expected to run trial ${expected} but the study handed out trial ${trial.number}; ` +
          'another process or an enqueued trial is using this study';
        await study.tell(trial, null, { state: 'FAIL', failReason: reason }); // no RUNNING orphan left behind
        throw new TfjsTuneError(reason);
      }
      await runSlotTrial(study, trial, train, logger);
      if (study.isStopRequested) return;
    }
  };
}

/**
 * Trains a claimed Hyperband trial as its slot says and tells the result: PRUNED when a pruner
 * stopped it, FAIL (with the reason, logged) when training throws, else its value at `slot.epochs`.
 */
export async function runSlotTrial(study: Study, trial: Trial, train: TrainSlot, logger: Logger): Promise<FrozenTrial> {
  const slot = slotOf(trial.snapshot());
  if (slot === null) {
    return study.tell(trial, null, { state: 'FAIL', failReason: `trial ${trial.number} has no Hyperband slot` });
  }
  let value: number;
  try {
    value = await train(trial, slot);
  } catch (e) {
    if (e instanceof TrialPruned) return study.tell(trial, null, { state: 'PRUNED' });
    const reason = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    logger.warn(`trial ${trial.number} failed: ${reason}`);
    return study.tell(trial, null, { state: 'FAIL', failReason: reason });
  }
  const frozen = await study.tell(trial, value);
  if (frozen.state === 'FAIL') logger.warn(`trial ${trial.number} failed: ${frozen.failReason ?? 'bad value'}`);
  return frozen;
}

/** The schedule is part of the study (system attribute `key`): resuming with another one would mix budgets. */
async function checkStoredSchedule(study: Study, key: string, wanted: Record<string, number>): Promise<void> {
  const stored = study.systemAttrs[key];
  if (stored === undefined) {
    await study.setSystemAttr(key, wanted);
    return;
  }
  if (JSON.stringify(stored) !== JSON.stringify(wanted)) {
    throw new InvalidArgumentError(
      `${key === HYPERBAND_KEY ? 'Hyperband' : key.toUpperCase()} schedule`,
      wanted,
      `the stored study's ${JSON.stringify(stored)} (or overwrite: true, or another studyName)`,
    );
  }
}

/**
 * Before a loop (re)starts on a study: clears a stop request, reloads the trials, refuses a study of
 * the other schedule or stored with other settings, and fails the trials a dead process left RUNNING.
 */
export async function prepareScheduledStudy(
  study: Study,
  key: typeof HYPERBAND_KEY | typeof ASHA_KEY,
  settings: { readonly maxEpochs: number; readonly factor: number; readonly minEpochs?: number },
): Promise<void> {
  study.clearStop();
  await study.refresh();
  refuseOtherSchedule(study, key === HYPERBAND_KEY ? ASHA_KEY : HYPERBAND_KEY);
  await checkStoredSchedule(study, key, {
    maxEpochs: settings.maxEpochs,
    factor: settings.factor,
    minEpochs: settings.minEpochs ?? 1,
  });
  await failInterrupted(study);
}

/** One study, one schedule: Hyperband and ASHA both promote the slots they find, so they must not mix. */
function refuseOtherSchedule(study: Study, other: typeof HYPERBAND_KEY | typeof ASHA_KEY): void {
  if (study.systemAttrs[other] !== undefined) {
    throw new InvalidArgumentError(
      'study',
      study.studyName,
      `a study not run by ${other === ASHA_KEY ? 'ASHA' : 'Hyperband'} (this one was; use another studyName)`,
    );
  }
}

/** Marks FAIL the trials a dead process left RUNNING, so their slots run again. */
async function failInterrupted(study: Study): Promise<void> {
  const orphans = study.getTrials({ states: ['RUNNING'] }).filter((t) => slotOf(t) !== null);
  for (const t of orphans) {
    await study.storage.setTrialSystemAttr(t.trialId, INTERRUPTED_KEY, true);
    await study.storage.setTrialSystemAttr(t.trialId, FAIL_REASON_KEY, 'interrupted: its process stopped');
    await study.storage.setTrialState(t.trialId, 'FAIL');
  }
  if (orphans.length > 0) await study.refresh();
}

/**
 * Deletes the checkpoints (`<checkpointDir>/trial_<n>`) of those `trials` trained to fewer than
 * `maxEpochs`: called once nothing will continue them. Fully trained ones are the results, and stay.
 */
export function dropPartialCheckpoints(trials: readonly FrozenTrial[], maxEpochs: number, checkpointDir: string): void {
  for (const t of trials) {
    if ((slotOf(t)?.epochs ?? maxEpochs) < maxEpochs)
      rmSync(join(checkpointDir, `trial_${t.number}`), { recursive: true, force: true });
  }
}
