import { jobRecordOf } from './job-record';
import type { MemberView, PopulationView } from './population';

/**
 * The COMPLETE PBT trials whose end states no pending or future job can load, from the stored
 * trials alone, so that every process of a shared study (`tfjs-tune run` and its workers) agrees
 * and none drops a checkpoint another machine is about to load.
 *
 * A job starts from a member's current state (its own continuation or an exploit's donor), so a
 * state that is some member's now, or the start of a decided job (`pendingStarts`), is kept. Beyond
 * that, another process may take a decision against a view read moments ago, in which an older state
 * was still a donor's; a trial ending at epoch `e` is therefore kept until every member that still
 * decides will next decide after `e`: a decision at a later epoch only takes donors at or past it
 * (`donorsNotBehind`), and a stale decision at an epoch up to `e` is for a job that has been made
 * already, so its trial is a duplicate and never trains (`pbt-claims.ts`). Members that decide no
 * more (at the budget, or given up after failures) hold nothing back, so at the end of a run only
 * the members' last states remain. (One corner stays: a failed member with no donor at its epoch
 * takes the best other member's state wherever it is; if a stale view shows a state dropped since,
 * the interval fails, naming the missing checkpoint, and the member tries again.)
 */
export function releasableStates(
  view: PopulationView,
  pendingStarts: ReadonlySet<number>,
  decidesAgain: (m: MemberView) => boolean,
): number[] {
  const states = new Set<number>(pendingStarts);
  for (const m of view.members) if (m.stateTrial !== null) states.add(m.stateTrial);
  const deciding = view.members.filter(decidesAgain);
  const horizon = deciding.length === 0 ? Infinity : Math.min(...deciding.map(nextDecisionEpoch));
  return view.completed.filter((n) => !states.has(n) && (view.endEpochs.get(n) ?? Infinity) < horizon);
}

/** The epoch at which the member takes its next decision: where it is ready, or where its running job ends. */
function nextDecisionEpoch(m: MemberView): number {
  if (m.inFlight !== null) return jobRecordOf(m.inFlight)?.toEpoch ?? m.step;
  if (m.rerun !== null) return m.rerun.record.toEpoch;
  // Before its first job (a fresh start loads nothing) the member holds everything back: only at the very start.
  return m.ready === null ? 0 : m.step;
}
