import { InvalidArgumentError } from '../../errors';
import { checkKeys, isObj, optInt, type Obj } from './check';

/** Hyperband (synchronous brackets) or ASHA (promotions): the epoch-budget schedulers the CLI runs itself. */
export interface EpochSchedulerConfig {
  readonly type: 'hyperband' | 'asha';
  /** eta: each rung keeps the top 1/factor and trains it factor times longer. */
  readonly factor: number;
  /** The first rung's epochs. */
  readonly minEpochs: number;
  /** Hyperband: how many times the brackets run (1 for ASHA). */
  readonly iterations: number;
}

/** A validated `scheduler` block; `type: 'none'` when the config leaves it out (trials train to `epochs`). */
export type SchedulerConfig = { readonly type: 'none' } | EpochSchedulerConfig;

/** Parses the block of one scheduler type (the object, `type` included). */
export type SchedulerBlockParser = (raw: Obj) => SchedulerConfig;

function epochBlock(type: EpochSchedulerConfig['type'], raw: Obj): EpochSchedulerConfig {
  const keys = type === 'hyperband' ? ['type', 'factor', 'minEpochs', 'iterations'] : ['type', 'factor', 'minEpochs'];
  for (const [old, now] of [
    ['reductionFactor', 'factor'],
    ['minResource', 'minEpochs'],
  ] as const) {
    if (raw[old] !== undefined)
      throw new InvalidArgumentError(`scheduler.${old}`, raw[old], `scheduler.${now} (one name for both schedulers)`);
  }
  checkKeys(raw, keys, 'scheduler');
  return {
    type,
    factor: optInt(raw, 'factor', 'scheduler.', 2) ?? 3,
    minEpochs: optInt(raw, 'minEpochs', 'scheduler.', 1) ?? 1,
    iterations: optInt(raw, 'iterations', 'scheduler.', 1) ?? 1,
  };
}

/**
 * The scheduler types `tfjs-tune run` knows, each with the parser of its block: the one place to add
 * a type (PBT's block lives in its own file and joins here).
 */
export const SCHEDULER_BLOCKS: Readonly<Record<string, SchedulerBlockParser>> = {
  hyperband: (raw) => epochBlock('hyperband', raw),
  asha: (raw) => epochBlock('asha', raw),
};

/**
 * `scheduler`: one spelling, `{ type, … }`. The old ones are refused before any work, naming the
 * new one: a bare name (`scheduler: asha` → `{ type: asha }`), `none`, and `mode` (gone: ASHA's
 * promotions are `scheduler: { type: asha }`, its stop-only variant the successive-halving pruner).
 */
export function parseScheduler(raw: unknown): SchedulerConfig {
  // pbt and pb2 are parsed by pbt-block.ts (it reads the rest of the config) before this is called.
  const types = [...Object.keys(SCHEDULER_BLOCKS), 'pbt', 'pb2'];
  if (raw === undefined) return { type: 'none' };
  if (raw === 'none' || raw === false)
    throw new InvalidArgumentError('scheduler', raw, 'left out (trials train to epochs on their own)');
  if (typeof raw === 'string' && types.includes(raw))
    throw new InvalidArgumentError('scheduler', raw, `scheduler: { type: ${raw} } (the object form)`);
  if (!isObj(raw)) throw new InvalidArgumentError('scheduler', raw, `{ type: ${types.join(' | ')}, … }`);
  if (raw['mode'] !== undefined)
    throw new InvalidArgumentError(
      'scheduler.mode',
      raw['mode'],
      "left out: it is gone. scheduler: { type: asha } is ASHA with promotions; for Optuna's stop-only variant write pruner: { type: successive-halving }",
    );
  const type = raw['type'];
  const parse = typeof type === 'string' ? SCHEDULER_BLOCKS[type] : undefined;
  if (parse === undefined) throw new InvalidArgumentError('scheduler.type', type, `one of ${types.join(', ')}`);
  return parse(raw);
}
