import type { PBTMember, ScheduleSegment } from './member';

/**
 * Trains a fresh member on a schedule (Ray Tune's `PopulationBasedTrainingReplay`): each segment's
 * parameters from its `fromStep` to the next segment's, in `perturbationInterval` chunks as during the
 * run (a member that counts steps inside `train`, e.g. a learning-rate schedule, sees the same calls).
 * Returns the final score.
 */
export async function replaySchedule<S>(
  member: PBTMember<S>,
  schedule: readonly ScheduleSegment[],
  totalSteps: number,
  perturbationInterval: number,
): Promise<number> {
  let step = 0;
  for (const [i, segment] of schedule.entries()) {
    const end = schedule[i + 1]?.fromStep ?? totalSteps;
    while (step < end) {
      const to = Math.min(end, step + perturbationInterval);
      await member.train(segment.params, step, to);
      step = to;
    }
  }
  return Number(await member.evaluate());
}
