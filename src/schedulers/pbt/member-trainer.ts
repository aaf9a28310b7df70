import { TfjsTuneError } from '../../errors';
import type { JobContext, JobEnd, JobTrainer, PortableState } from '../scheduler';
import { PBT_START_STATE_KEY, jobRecordOf, type PBTStartState } from './job-record';
import type { PBTMember, PBTParams } from './member';

/** How a population of {@link PBTMember}s is kept, saved and moved. */
export interface MemberTrainerOptions<S> {
  /** A new member (its model built with `params`) for `member`'s first job, or after a restart. */
  createMember(member: number, params: PBTParams): PBTMember<S> | Promise<PBTMember<S>>;
  /**
   * A copy of a held state that a member may take over (setState may consume what it is given,
   * and several jobs may start from one trial's state). Default: the state itself (immutable states).
   */
  copyState?(state: S): S;
  /** Frees a held state once no job will start from it. */
  disposeState?(state: S): void;
  /**
   * Whether a member built with `builtWith` must be rebuilt to train with `params` (a zoo model whose
   * architecture differs from the donor's it is about to copy). Default: never.
   */
  needsRebuild?(builtWith: PBTParams, params: PBTParams): boolean;
  /** Persists the state trial `trialNumber` ended with (a checkpoint), so a killed run resumes. */
  save?(trialNumber: number, member: PBTMember<S>): Promise<void>;
  /** Reads a persisted state back (after a restart, when this process never held it). */
  load?(trialNumber: number): Promise<S>;
  /** Deletes a persisted state no job will start from. */
  drop?(trialNumber: number): void;
  /** For executors that move states between threads: to and from plain buffers. */
  toPortable?(state: S): PortableState;
  fromPortable?(state: PortableState): S;
  /**
   * Return each job's end state as a PortableState (the worker pool hands it to the next thread);
   * the trainer then keeps no copy of it (the executor holds it until the scheduler releases it).
   */
  readonly handOverStates?: boolean;
}

/** A trainer that keeps live members in this process; `release` frees states the scheduler says no job needs. */
export interface MemberJobTrainer<S> extends JobTrainer {
  release(trialNumbers: readonly number[]): void;
  /** The live member `member` and the trial whose end state it holds (null after a failed job). */
  live(member: number): { readonly member: PBTMember<S>; readonly at: number | null } | undefined;
  /** Disposes every live member and held state. */
  dispose(): void;
}

/**
 * A {@link JobTrainer} over PBT members kept live in this process: a member continuing its own last
 * trial trains on as it is; an exploit (or a continuation after another job moved the member) takes
 * the held end state of the trial it starts from — a copy in memory, no checkpoint round trip. Each
 * job's end state is held until the scheduler releases it, and saved (`save`) so a killed run
 * resumes from storage plus the last states (`load`). A state the executor brings (`startState`,
 * from another thread) comes first.
 */
export function memberJobTrainer<S>(options: MemberTrainerOptions<S>): MemberJobTrainer<S> {
  const lives = new Map<number, { member: PBTMember<S>; at: number | null; builtWith: PBTParams }>();
  const held = new Map<number, S>();
  const copy = (s: S): S => (options.copyState === undefined ? s : options.copyState(s));

  const startingState = async (context: JobContext, from: number): Promise<{ state: S; source: PBTStartState }> => {
    if (context.startState !== undefined) {
      if (options.fromPortable === undefined)
        throw new TfjsTuneError('PBT trainer: a state came from another thread but the trainer has no fromPortable');
      return { state: options.fromPortable(context.startState), source: 'memory' };
    }
    const h = held.get(from);
    if (h !== undefined) return { state: copy(h), source: 'memory' };
    // Trained by another process (or released here): only its checkpoint has it. Without one the
    // job fails with the reason; training the member from scratch instead would be a silent lie.
    if (options.load !== undefined) return { state: await options.load(from), source: 'checkpoint' };
    throw new TfjsTuneError(`PBT trainer: the state of trial ${from} is neither held in this process nor saved`);
  };

  const train = async (context: JobContext): Promise<JobEnd> => {
    const { trial, job } = context;
    const record = jobRecordOf(trial.snapshot());
    if (record === null) throw new TfjsTuneError(`trial ${trial.number} is not a PBT job (no pbt attribute)`);
    const params = trial.params;
    let entry = lives.get(record.member);
    const rebuild = entry !== undefined && options.needsRebuild?.(entry.builtWith, params) === true;
    if (job.start.kind === 'fresh' || entry === undefined || rebuild) {
      entry?.member.dispose?.();
      entry = { member: await options.createMember(record.member, params), at: null, builtWith: params };
      lives.set(record.member, entry);
    }
    if (job.start.kind !== 'fresh') {
      let source: PBTStartState = 'live';
      if (entry.at !== job.start.from) {
        const start = await startingState(context, job.start.from);
        await entry.member.setState(start.state);
        source = start.source;
      }
      trial.setSystemAttr(PBT_START_STATE_KEY, source);
    }
    entry.at = null; // until the job ends well, the live state is no trial's
    await entry.member.train(params, job.fromEpoch, job.toEpoch);
    const value = Number(await entry.member.evaluate());
    await context.report({ epoch: job.toEpoch, value });
    if (!Number.isFinite(value)) return { epoch: job.toEpoch, value }; // the trial fails; nothing to keep
    entry.at = trial.number;
    await options.save?.(trial.number, entry.member);
    const end: JobEnd = { epoch: job.toEpoch, value };
    const state = await entry.member.getState();
    if (options.handOverStates === true && options.toPortable !== undefined) {
      // The executor keeps the state now (and frees it when released): holding a copy here too would
      // grow with every job this worker thread runs, since releases reach only the parent.
      try {
        return { ...end, state: options.toPortable(state) };
      } finally {
        options.disposeState?.(state);
      }
    }
    held.set(trial.number, state);
    return end;
  };

  return Object.assign(train, {
    release(trialNumbers: readonly number[]) {
      for (const n of trialNumbers) {
        const state = held.get(n);
        if (state !== undefined) options.disposeState?.(state);
        held.delete(n);
        options.drop?.(n);
      }
    },
    live: (member: number) => lives.get(member),
    dispose() {
      for (const e of lives.values()) e.member.dispose?.();
      lives.clear();
      for (const s of held.values()) options.disposeState?.(s);
      held.clear();
    },
  });
}
