// Ray Tune's `pbt_function` example (python/ray/tune/examples/pbt_function.py), rewritten with a
// seeded Rng: accuracy grows fastest when the learning rate is near an optimum that rises from 0.001
// to 0.01 as accuracy goes from 0 to 100 and falls back to 0.001 at 200 (a triangle). A fixed rate
// is right for one stretch at most, so "training does not converge without PBT" (its docstring).
import type { Rng } from '../../src/random/rng';
import type { PBTMember, PBTParams } from '../../src/schedulers/pbt/member';

export const LR_MIDPOINT = 100;
export const LR_TARGET = 2 * LR_MIDPOINT;
const Q_TOLERANCE = 3;
const NOISE_LEVEL = 2;

export function optimalLr(accuracy: number): number {
  const raw =
    accuracy < LR_MIDPOINT ? (0.01 * accuracy) / LR_MIDPOINT : 0.01 - (0.01 * (accuracy - LR_MIDPOINT)) / LR_MIDPOINT;
  return Math.min(0.01, Math.max(0.001, raw));
}

/** One step of the example's dynamics. */
export function lrStep(accuracy: number, lr: number, rng: Rng): number {
  const optimal = optimalLr(accuracy);
  const qErr = Math.max(lr, optimal) / Math.min(lr, optimal);
  let next = accuracy;
  if (qErr < Q_TOLERANCE) next += (1 / qErr) * rng.next();
  else if (lr > optimal) next -= (qErr - Q_TOLERANCE) * rng.next();
  next += NOISE_LEVEL * rng.normal();
  return Math.max(0, next);
}

/**
 * A member whose state is its accuracy. `onStep(step, accuracy)` sees every step (the example stops a
 * trial as soon as accuracy passes 200, between two ready points).
 */
export function lrScheduleMember(rng: Rng, onStep: (step: number, accuracy: number) => void): PBTMember<number> {
  let accuracy = 0;
  return {
    train(params: PBTParams, fromStep: number, toStep: number) {
      const lr = Number(params.lr);
      for (let s = fromStep; s < toStep; s++) {
        accuracy = lrStep(accuracy, lr, rng);
        onStep(s + 1, accuracy);
      }
    },
    evaluate: () => accuracy,
    getState: () => accuracy,
    setState(state: number) {
      accuracy = state;
    },
  };
}
