import type { Trial } from '../study/trial';

// A slot is what training needs to know to train one Hyperband / ASHA trial (its epoch range and the
// checkpoint it continues). It lives in training/ because the zoo's slot trainer implements
// `TrainSlot`; the tuners' loops (one layer up) create the slots and call the trainers.

/**
 * Where a trial sits in the Hyperband schedule, kept as its system attribute `hyperband` (never in
 * its params — KerasTuner's wart), so any process can rebuild the state of a search from storage.
 */
export interface HyperbandSlot {
  readonly iteration: number;
  /** The bracket's s (s + 1 rounds; the largest s is the most aggressive bracket). */
  readonly bracket: number;
  readonly round: number;
  /** The epoch training starts from: 0 for a new configuration, the parent's epochs for a promoted one. */
  readonly initialEpoch: number;
  /** The epoch count reached at the end of the round (the trial's budget). */
  readonly epochs: number;
  /** The trial of the previous round whose checkpoint this one continues; null for a new configuration. */
  readonly parent: number | null;
}

/** Trains `trial` as `slot` says and returns its objective value at `slot.epochs`. */
export type TrainSlot = (trial: Trial, slot: HyperbandSlot) => Promise<number>;
