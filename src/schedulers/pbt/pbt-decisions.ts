import type { Rng } from '../../random/rng';
import type { Study } from '../../study/study';
import type { JsonValue } from '../../trial/json';
import type { JobStart } from '../scheduler';
import type { IntervalRecord } from './explorer';
import type { ExploitRecord } from './job-record';
import type { PBTParams } from './member';
import type { MemberView } from './population';
import { decideAtReady, type ReadySettings } from './ready';

// PBTScheduler's decisions at ready points: taken for a batch of ready members (`decideBatch`) and
// kept as study attributes (`pbt_decision:<trial>`) until their jobs exist, so that a resumed run and
// every other process of the study take the stored one instead of deciding again.

/** A job decided but not yet created as a trial. */
export interface Pending {
  readonly member: number;
  readonly fromEpoch: number;
  readonly start: JobStart;
  readonly params: PBTParams;
  readonly exploit?: ExploitRecord;
}

/** A pending job with its key's second half: the member's trial it follows (null: its first job). */
export type KeyedPending = Pending & { readonly follows: number | null };

/** What a ready member does next: a job, or 'none' (it goes on from its own state with its own params). */
export type MemberDecision = Pending | 'none';

/** The study attribute keeping what a member does after a trial (suffix: the trial's number). */
const DECISION_KEY_PREFIX = 'pbt_decision:';

/** The decisions stored by every process so far, by the trial each was taken at (read afresh: others store theirs). */
export async function storedDecisions(study: Study): Promise<Map<number, MemberDecision>> {
  const out = new Map<number, MemberDecision>();
  const attrs = (await study.storage.getStudy(study.studyId)).systemAttrs;
  for (const [key, value] of Object.entries(attrs))
    if (key.startsWith(DECISION_KEY_PREFIX))
      out.set(Number(key.slice(DECISION_KEY_PREFIX.length)), value as unknown as MemberDecision);
  return out;
}

/**
 * Records what the member does after trial `ready`: asynchronously a decision depends on which other
 * members had ended their intervals when it was taken, so one taken before a stop must not be taken
 * again, against a later population, after a resume or by another process.
 */
export async function storeDecision(study: Study, ready: number, decision: MemberDecision): Promise<void> {
  await study.setSystemAttr(`${DECISION_KEY_PREFIX}${ready}`, JSON.parse(JSON.stringify(decision)) as JsonValue);
}

/** The member goes on from its own state (after a failure: retries from where it started). */
export function ownJob(m: MemberView, params: PBTParams): Pending {
  const start: JobStart = m.stateTrial === null ? { kind: 'fresh' } : { kind: 'continue', from: m.stateTrial };
  return { member: m.id, fromEpoch: m.step, start, params };
}

/** The population and the ready members to decide for, in order. */
export interface BatchInput {
  readonly members: readonly MemberView[];
  readonly batch: readonly MemberView[];
  /** Synchronously: every member's score at the barrier epoch; null asynchronously. */
  readonly barrierScores: readonly number[] | null;
  /** Each member's params, step and state trial, as the decisions so far leave them (updated in place). */
  readonly params: PBTParams[];
  readonly steps: number[];
  readonly stateTrials: (number | null)[];
  readonly settings: ReadySettings;
  readonly sign: 1 | -1;
  readonly history: readonly IntervalRecord[];
  readonly rng: Rng;
  /** Decisions some process stored already, by ready trial: taken as they are. */
  readonly stored: ReadonlyMap<number, MemberDecision>;
}

/**
 * Decides for each ready member of the batch in turn (`decideAtReady`), the members after it seeing
 * its decision as made; a decision stored already (`adopted`) stands as it is.
 */
export async function decideBatch(
  input: BatchInput,
): Promise<{ readonly ready: number; readonly decision: MemberDecision; readonly adopted: boolean }[]> {
  const { members, params, steps, stateTrials } = input;
  const out: { ready: number; decision: MemberDecision; adopted: boolean }[] = [];
  for (const m of input.batch) {
    const ready = (m.ready as NonNullable<MemberView['ready']>).number;
    const taken = input.stored.get(ready);
    if (taken !== undefined) {
      out.push({ ready, decision: taken, adopted: true });
      if (taken === 'none') continue;
      params[m.id] = taken.params;
      steps[m.id] = taken.fromEpoch;
      if (taken.start.kind !== 'fresh') stateTrials[m.id] = taken.start.from;
      continue;
    }
    // Asynchronous: the member is compared with those that have reached its epoch, at that epoch
    // (their own score then, or the score of the state they hold past it); members still behind
    // take no part, so no member is sent back to an earlier epoch by copying one.
    const at = steps[m.id] as number;
    const scores =
      input.barrierScores ??
      members.map((o, i) => o.scoreAt.get(at) ?? ((steps[i] as number) >= at ? o.score : Number.NaN));
    const decision = await decideAtReady(input.settings, {
      member: m.id,
      scores,
      sign: input.sign,
      params,
      steps,
      history: input.history,
      rng: input.rng,
      failed: m.failed,
    });
    if (decision === null || decision.donor === m.id) {
      if (decision !== null) params[m.id] = decision.params;
      out.push({ ready, decision: decision === null ? 'none' : ownJob(m, decision.params), adopted: false });
      continue;
    }
    const donorTrial = stateTrials[decision.donor];
    if (donorTrial === null || donorTrial === undefined) {
      out.push({ ready, decision: 'none', adopted: false });
      continue;
    }
    const recipientScore = scores[m.id] as number;
    const exploit: ExploitRecord = {
      donor: decision.donor,
      donorTrial,
      epoch: decision.step,
      donorScore: scores[decision.donor] as number,
      recipientScore: Number.isFinite(recipientScore) ? recipientScore : null,
      paramsBefore: params[m.id] as PBTParams,
      paramsAfter: decision.params,
    };
    const job: Pending = {
      member: m.id,
      fromEpoch: decision.step,
      start: { kind: 'exploit', from: donorTrial },
      params: decision.params,
      exploit,
    };
    out.push({ ready, decision: job, adopted: false });
    params[m.id] = decision.params;
    steps[m.id] = decision.step;
    stateTrials[m.id] = donorTrial;
  }
  return out;
}
