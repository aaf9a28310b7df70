import type { PBTParams, ScheduleSegment } from './member';

/**
 * Each member's hyperparameter schedule — the segments that produced its current state — kept up to
 * date as the run goes (Ray Tune's PBT replay reads the same from its logs). An exploit gives the
 * recipient the donor's schedule as it is at that moment, cut at the step copied, so the record is
 * right in whatever order members reach their ready points (an asynchronous donor may itself have
 * been exploited at the same step just before). `rootOf` names the member whose initial weights a
 * state descends from: a replay starts from them.
 */
export class ScheduleBook {
  private readonly schedules: ScheduleSegment[][] = [];
  private readonly roots: number[] = [];

  /** A new member, training with `params` from step 0. */
  start(member: number, params: PBTParams): void {
    this.schedules[member] = [{ fromStep: 0, params }];
    this.roots[member] = member;
  }

  /** The member goes on from its own state, with `params` from `fromStep`. */
  extend(member: number, fromStep: number, params: PBTParams): void {
    this.schedules[member] = merge([
      ...this.segments(member).filter((s) => s.fromStep < fromStep),
      { fromStep, params },
    ]);
  }

  /** The recipient took over the donor's state at `fromStep` and goes on with `params`. */
  inherit(recipient: number, donor: number, fromStep: number, params: PBTParams): void {
    const inherited = this.segments(donor).filter((s) => s.fromStep < fromStep);
    this.schedules[recipient] = merge([...inherited, { fromStep, params }]);
    this.roots[recipient] = this.rootOf(donor);
  }

  /** The schedule that produced the member's current state, oldest first. */
  scheduleOf(member: number): ScheduleSegment[] {
    return this.segments(member).slice();
  }

  rootOf(member: number): number {
    const root = this.roots[member];
    if (root === undefined) throw new RangeError(`no member ${member}`);
    return root;
  }

  private segments(member: number): readonly ScheduleSegment[] {
    const s = this.schedules[member];
    if (s === undefined) throw new RangeError(`no member ${member}`);
    return s;
  }
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
