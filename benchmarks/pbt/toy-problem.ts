// The PBT paper's toy problem (Jaderberg et al. 2017, Fig. 2): Q(θ) = 1.2 − (θ0² + θ1²), trained
// by gradient ascent on the surrogate Q̂(θ|h) = 1.2 − (h0·θ0² + h1·θ1²) from θ = [0.9, 0.9]. A member
// with h = [1, 0] only ever shrinks θ0, one with [0, 1] only θ1: neither alone gets past Q = 0.39;
// copying θ between them and moving h is what reaches 1.2.
import type { PBTMember, PBTParams } from '../../src/schedulers/pbt/member';

export type ToyState = readonly [number, number];

export const TOY_LEARNING_RATE = 0.01;

export function toyQ([t0, t1]: ToyState): number {
  return 1.2 - (t0 * t0 + t1 * t1);
}

/** A toy member: the state is θ, the parameters are h0 and h1. */
export function toyMember(): PBTMember<ToyState> {
  let theta: [number, number] = [0.9, 0.9];
  return {
    train(params: PBTParams, fromStep: number, toStep: number) {
      const h0 = Number(params.h0);
      const h1 = Number(params.h1);
      for (let s = fromStep; s < toStep; s++) {
        // ∇Q̂ = −2·h ⊙ θ
        theta = [theta[0] - TOY_LEARNING_RATE * 2 * h0 * theta[0], theta[1] - TOY_LEARNING_RATE * 2 * h1 * theta[1]];
      }
    },
    evaluate: () => toyQ(theta),
    getState: () => [theta[0], theta[1]] as const,
    setState(state: ToyState) {
      theta = [state[0], state[1]];
    },
  };
}
