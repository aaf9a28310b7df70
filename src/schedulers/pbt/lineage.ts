import type { ExploitEvent, PBTParams, ScheduleSegment } from './member';

/**
 * The hyperparameter schedule that produced a member's final state: its own segments back to its
 * last exploit, then the donor's before that, and so on (Ray Tune's PBT replay). `segments[id]` is
 * each member's own list of (fromStep, params) in step order.
 */
export function scheduleOf(
  id: number,
  segments: ReadonlyMap<number, readonly ScheduleSegment[]>,
  lineage: readonly ExploitEvent[],
): ScheduleSegment[] {
  const out: ScheduleSegment[] = [];
  let member = id;
  let until = Number.POSITIVE_INFINITY;
  for (;;) {
    // The member's last exploit before `until`: its state came from the donor then.
    const copy = lineage.filter((e) => e.recipient === member && e.step < until).at(-1);
    const from = copy?.step ?? Number.NEGATIVE_INFINITY;
    const own = (segments.get(member) ?? []).filter((s) => s.fromStep >= from && s.fromStep < until);
    out.unshift(...own);
    if (!copy) break;
    member = copy.donor;
    until = copy.step;
  }
  return merge(out);
}

/** Drops segments that repeat the previous one's parameters. */
function merge(segments: readonly ScheduleSegment[]): ScheduleSegment[] {
  const out: ScheduleSegment[] = [];
  for (const s of segments) {
    const last = out.at(-1);
    if (last && sameParams(last.params, s.params)) continue;
    out.push(s);
  }
  return out;
}

function sameParams(a: PBTParams, b: PBTParams): boolean {
  const keys = Object.keys(a).sort();
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
