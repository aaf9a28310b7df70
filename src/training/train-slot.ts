import type { Trial } from '../study/trial';
import type { HyperbandSlot } from '../trial/hyperband-slot';

export type { HyperbandSlot };

// A slot (src/trial/hyperband-slot.ts) is what training needs to know to train one Hyperband / ASHA
// trial (its epoch range and the checkpoint it continues). `TrainSlot` lives in training/ because the zoo's slot trainer implements
// `TrainSlot`; the tuners' loops (one layer up) create the slots and call the trainers.

/** Trains `trial` as `slot` says and returns its objective value at `slot.epochs`. */
export type TrainSlot = (trial: Trial, slot: HyperbandSlot) => Promise<number>;
