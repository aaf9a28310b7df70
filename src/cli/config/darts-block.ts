import { InvalidArgumentError } from '../../errors';
import { BILEVEL_KEYS, resolveBilevelOptions, type BilevelOptions } from '../../nas/search/options';
import { checkKeys, isObj, optInt, optNumber, type Obj } from './check';

/**
 * `darts: { search: {...}, retrain: {...} }` with `model: darts`: instead of sampling genotypes, run
 * DARTS' bilevel search, then train the derived genotype from scratch. `search` takes the
 * `DartsSearch` options (epochs, batchSize, order, weights, alpha, earlyStopSkips, channels, cells);
 * `retrain` the size and schedule of the fresh network. Both default `epochs` to the config's.
 */
export interface DartsBlock {
  readonly search: BilevelOptions & { readonly channels: number; readonly cells: number };
  readonly retrain: {
    readonly epochs: number;
    readonly channels: number;
    readonly cells: number;
    readonly batchSize: number | null;
    readonly learningRate: number | null;
  };
}

const BLOCK_KEYS = ['search', 'retrain'];
const SEARCH_KEYS = [...BILEVEL_KEYS, 'channels', 'cells'];
const RETRAIN_KEYS = ['epochs', 'channels', 'cells', 'batchSize', 'learningRate'];
/** Keys of a run that a search-mode run would silently ignore, so they are refused. */
const IGNORED_IN_SEARCH = ['parameters', 'scheduler', 'ensemble', 'refit', 'method'];

function obj(raw: unknown, path: string, allowed: readonly string[]): Obj {
  if (raw === undefined) return {};
  if (!isObj(raw)) throw new InvalidArgumentError(path, raw, `a mapping with keys among ${allowed.join(', ')}`);
  checkKeys(raw, allowed, path);
  return raw;
}

/** Parses the `darts` block of a run config (null when absent); `config` is the whole raw config. */
export function parseDartsBlock(raw: unknown, config: Obj): DartsBlock | null {
  if (raw === undefined) return null;
  if (config['model'] !== 'darts')
    throw new InvalidArgumentError('darts', raw, 'left out unless model: darts (the block runs a DARTS search)');
  const block = obj(raw, 'darts', BLOCK_KEYS);
  if (block['search'] === undefined)
    throw new InvalidArgumentError('darts.search', undefined, 'a mapping (e.g. { epochs: 10, channels: 8, cells: 5 })');
  for (const key of IGNORED_IN_SEARCH) {
    if (config[key] !== undefined)
      throw new InvalidArgumentError(key, config[key], 'left out with darts.search (the search chooses the genotype)');
  }
  const search = obj(block['search'], 'darts.search', SEARCH_KEYS);
  const retrain = obj(block['retrain'], 'darts.retrain', RETRAIN_KEYS);
  const epochs = optInt(config, 'epochs', '', 1) ?? 3;
  const { channels: rawChannels, cells: rawCells, ...bilevelRaw } = search;
  void rawChannels;
  void rawCells;
  const bilevel = { epochs, ...bilevelRaw } as BilevelOptions;
  // Checked now, with the block's names, so a typo fails before any data is read.
  resolveBilevelOptions(bilevel, 'darts.search.');
  const channels = optInt(search, 'channels', 'darts.search.', 1) ?? 8;
  const cells = optInt(search, 'cells', 'darts.search.', 1) ?? 5;
  return {
    search: { ...bilevel, channels, cells },
    retrain: {
      epochs: optInt(retrain, 'epochs', 'darts.retrain.', 1) ?? epochs,
      channels: optInt(retrain, 'channels', 'darts.retrain.', 1) ?? channels,
      cells: optInt(retrain, 'cells', 'darts.retrain.', 1) ?? cells,
      batchSize: optInt(retrain, 'batchSize', 'darts.retrain.', 1) ?? null,
      learningRate: optNumber(retrain, 'learningRate', 'darts.retrain.', 0) ?? null,
    },
  };
}
