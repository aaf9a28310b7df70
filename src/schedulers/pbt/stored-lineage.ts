import { TfjsTuneError } from '../../errors';
import type { FrozenTrial } from '../../trial/frozen-trial';
import { formatNumber } from '../../util/format';
import { jobRecordOf, wasInterruptedPBT, type ExploitRecord } from './job-record';
import type { PBTParams, ScheduleSegment } from './member';

/** One exploit as the study stores it, with the recipient and the trial that started from the copy. */
export interface StoredExploit extends ExploitRecord {
  readonly recipient: number;
  /** The recipient's job that started from the donor's state. */
  readonly trial: number;
}

/** Every exploit of a PBT study, in trial order: who copied whom, at which epoch, with which params before and after. */
export function lineageOf(trials: readonly FrozenTrial[]): StoredExploit[] {
  const out: StoredExploit[] = [];
  for (const t of trials) {
    const r = jobRecordOf(t);
    // An interrupted job ran again as a later trial with the same exploit: count it once.
    if (r?.exploit === undefined || wasInterruptedPBT(t)) continue;
    out.push({ ...r.exploit, recipient: r.member, trial: t.number });
  }
  return out;
}

/** The hyperparameter schedule that produced a trial's end state, and the member whose fresh model it started from. */
export interface TrialSchedule {
  /** The member whose first job built the model this state descends from (its seed builds a replay). */
  readonly rootMember: number;
  readonly segments: ScheduleSegment[];
  /** The epoch the trial trained to. */
  readonly toEpoch: number;
  /** The trials of the chain, oldest first. */
  readonly chain: readonly FrozenTrial[];
}

/**
 * Follows a trial's `from` links back to a fresh start (across exploits): the params each job of the
 * chain trained with, from its first epoch — Ray Tune's PBT replay schedule, read from storage.
 */
export function scheduleOfTrial(trials: readonly FrozenTrial[], trialNumber: number): TrialSchedule {
  const byNumber = new Map(trials.map((t) => [t.number, t]));
  const chain: FrozenTrial[] = [];
  let current = byNumber.get(trialNumber);
  const first = current === undefined ? null : jobRecordOf(current);
  if (current === undefined || first === null)
    throw new TfjsTuneError(`trial ${trialNumber} is not a PBT trial of this study`);
  while (current !== undefined) {
    chain.unshift(current);
    const r = jobRecordOf(current);
    if (r === null || r.from === null) break;
    current = byNumber.get(r.from);
  }
  const root = jobRecordOf(chain[0] as FrozenTrial);
  const segments: ScheduleSegment[] = [];
  for (const t of chain) {
    const r = jobRecordOf(t);
    const last = segments.at(-1);
    if (r === null || (last !== undefined && sameParams(last.params, t.params))) continue;
    segments.push({ fromStep: r.fromEpoch, params: t.params });
  }
  return { rootMember: root?.member ?? first.member, segments, toEpoch: first.toEpoch, chain };
}

/** The lineage of a trial's end state as text: each job of its chain, and each copy along it. */
export function formatLineage(
  trials: readonly FrozenTrial[],
  trialNumber: number,
  metric = 'score',
  /** The parameters to show (the mutated ones); default all. */
  names?: readonly string[],
): string {
  const { chain } = scheduleOfTrial(trials, trialNumber);
  const lines: string[] = [];
  for (const t of chain) {
    const r = jobRecordOf(t);
    if (r === null) continue;
    if (r.exploit !== undefined) {
      const e = r.exploit;
      lines.push(
        `  epoch ${e.epoch}: member ${r.member} copied member ${e.donor} (trial ${e.donorTrial}, ${metric} ${formatNumber(e.donorScore)} vs ${e.recipientScore === null ? 'failed' : formatNumber(e.recipientScore)}); ${paramChanges(e.paramsBefore, e.paramsAfter)}`,
      );
    }
    lines.push(
      `  epochs ${r.fromEpoch}-${r.toEpoch}: trial ${t.number}, member ${r.member}, ${formatParams(t.params, names)} -> ${metric} ${t.value === null ? t.state : formatNumber(t.value)}`,
    );
  }
  return lines.join('\n');
}

function formatParams(p: PBTParams, names?: readonly string[]): string {
  return Object.keys(p)
    .filter((k) => names === undefined || names.includes(k))
    .sort()
    .map((k) => `${k}=${typeof p[k] === 'number' ? formatNumber(p[k]) : String(p[k])}`)
    .join(' ');
}

function paramChanges(before: PBTParams, after: PBTParams): string {
  const changed = Object.keys(after)
    .sort()
    .filter((k) => before[k] !== after[k])
    .map((k) => `${k} ${show(before[k])} -> ${show(after[k])}`);
  return changed.length === 0 ? 'params unchanged' : changed.join(', ');
}

function show(v: unknown): string {
  return typeof v === 'number' ? formatNumber(v) : String(v);
}

function sameParams(a: PBTParams, b: PBTParams): boolean {
  const keys = Object.keys(a).sort();
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/**
 * The COMPLETE trials that trained to the whole budget, best first (a PBT run's results: earlier
 * intervals score partly trained models).
 */
export function rankFinalTrials(
  trials: readonly FrozenTrial[],
  totalEpochs: number,
  direction: 'maximize' | 'minimize',
): FrozenTrial[] {
  const sign = direction === 'maximize' ? -1 : 1;
  return trials
    .filter((t) => t.state === 'COMPLETE' && t.value !== null && jobRecordOf(t)?.toEpoch === totalEpochs)
    .sort((a, b) => sign * ((a.value as number) - (b.value as number)) || a.number - b.number);
}
