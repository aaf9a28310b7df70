import * as tf from '@tensorflow/tfjs';

import { TfjsTuneError } from '../../errors';
import { type AdamFields, adamFields } from '../backend';

/** A tensor with the name it is saved under. */
export interface NamedWeight {
  readonly name: string;
  readonly tensor: tf.Tensor;
}

/** Optimiser state read from a live optimiser; `release()` frees what reading created. */
export interface OptimizerState {
  readonly className: string;
  readonly weights: readonly NamedWeight[];
  release(): void;
}

/** Names our extra (non-tfjs) state entries start with. */
export const EXTRA_STATE_PREFIX = 'tfjs-tune/';

/*
 * tfjs-core 4.22 optimisers whose `getWeights()` returns `[iter, ...slot variables]` and whose
 * `setWeights()` replaces every slot variable with a new one (so the old ones can be disposed).
 * Adamax is missing: its getWeights()/setWeights() throw "not implemented".
 */
const SUPPORTED = new Set(['SGD', 'Momentum', 'Adam', 'RMSProp', 'Adagrad', 'Adadelta']);

function checkSupported(optimizer: tf.Optimizer): string {
  const name = optimizer.getClassName();
  if (!SUPPORTED.has(name)) {
    throw new TfjsTuneError(
      `cannot save or copy the state of a ${name} optimizer (supported: ${[...SUPPORTED].join(', ')}` +
        `; tfjs 4.22's Adamax has no getWeights()); use includeOptimizer: false`,
    );
  }
  return name;
}

function adamExtras(optimizer: tf.Optimizer): Array<[string, tf.Variable]> {
  // Adam's bias-correction powers: `setWeights` recomputes them with `pow`, not bit-exact.
  const fields: Partial<Pick<AdamFields, 'accBeta1' | 'accBeta2'>> = adamFields(optimizer);
  const out: Array<[string, tf.Variable]> = [];
  if (fields.accBeta1 instanceof tf.Variable) out.push([`${EXTRA_STATE_PREFIX}accBeta1`, fields.accBeta1]);
  if (fields.accBeta2 instanceof tf.Variable) out.push([`${EXTRA_STATE_PREFIX}accBeta2`, fields.accBeta2]);
  return out;
}

/**
 * Reads an optimiser's state: the iteration count, its slot variables (live — do not dispose them)
 * and, for Adam, the exact bias-correction accumulators so a restored Adam continues bit for bit.
 */
export async function readOptimizerState(optimizer: tf.Optimizer): Promise<OptimizerState> {
  const className = checkSupported(optimizer);
  const read = await optimizer.getWeights();
  const created = read.filter((w) => w.name === 'iter').map((w) => w.tensor);
  const weights: NamedWeight[] = read.map((w) => ({ name: w.name, tensor: w.tensor }));
  if (className === 'Adam') for (const [name, tensor] of adamExtras(optimizer)) weights.push({ name, tensor });
  return { className, weights, release: () => tf.dispose(created) };
}

/**
 * Replaces an optimiser's state with `weights` (from {@link readOptimizerState} of an optimiser of
 * the same class, or decoded from a checkpoint). The replaced slot variables are disposed; the
 * given tensors stay the caller's (the new slots are variables of their own).
 */
export async function writeOptimizerState(optimizer: tf.Optimizer, weights: readonly NamedWeight[]): Promise<void> {
  const className = checkSupported(optimizer);
  const extras = weights.filter((w) => w.name.startsWith(EXTRA_STATE_PREFIX));
  const standard = weights.filter((w) => !w.name.startsWith(EXTRA_STATE_PREFIX));
  if (standard[0]?.name !== 'iter') {
    throw new TfjsTuneError(`${className} optimizer state must start with the iteration count "iter"`);
  }
  const old = await optimizer.getWeights();
  await optimizer.setWeights(standard.map((w) => ({ name: w.name, tensor: w.tensor })));
  tf.dispose(old.map((w) => w.tensor));
  if (className === 'Adam') {
    const targets = new Map(adamExtras(optimizer));
    for (const extra of extras) {
      const target = targets.get(extra.name);
      if (target !== undefined) target.assign(extra.tensor);
    }
  }
}
