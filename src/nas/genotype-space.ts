import { InvalidArgumentError, quote } from '../errors';
import type { ParamValue } from '../space/distributions';
import type { SuggestApi } from '../training/hyper-model';
import { NODES } from './cells';
import { GENOTYPE_OPS, validateGenotype, type CellGenotype, type Genotype, type GenotypeEdge } from './genotype';

/** The two cell kinds, in the order their parameters are asked. */
export const CELL_KINDS = ['normal', 'reduce'] as const;
export type CellKind = (typeof CELL_KINDS)[number];

/**
 * The input pairs node `node` may read, as `"a,b"` with a < b: two distinct states among the cell's
 * two inputs and the nodes before it. One categorical per node (rather than one per edge) keeps every
 * sampled genotype valid: a sampler never has to learn that the two inputs must differ.
 */
export function inputPairs(node: number): string[] {
  const pairs: string[] = [];
  for (let b = 1; b < node + 2; b++) for (let a = 0; a < b; a++) pairs.push(`${a},${b}`);
  return pairs;
}

/** The three parameters of one node: its input pair and the op on each of the two inputs (lower input first). */
export function nodeParamNames(kind: CellKind, node: number): { inputs: string; op0: string; op1: string } {
  const prefix = `${kind}_node${node}`;
  return { inputs: `${prefix}_inputs`, op0: `${prefix}_op0`, op1: `${prefix}_op1` };
}

function edgePair(a: number, op0: string, b: number, op1: string): readonly [GenotypeEdge, GenotypeEdge] {
  return [
    { op: op0 as GenotypeEdge['op'], input: a },
    { op: op1 as GenotypeEdge['op'], input: b },
  ];
}

/**
 * Samples a genotype through any `SuggestApi` (a `Trial`, KerasTuner's `hp`, a replay): 24
 * categoricals, so random search, TPE and evolution search over architectures without weight sharing.
 */
export function suggestGenotype(trial: SuggestApi): Genotype {
  const cell = (kind: CellKind): CellGenotype =>
    Array.from({ length: NODES }, (_, node) => {
      const names = nodeParamNames(kind, node);
      const [a, b] = trial.suggestCategorical(names.inputs, inputPairs(node)).split(',').map(Number);
      const op0 = trial.suggestCategorical(names.op0, GENOTYPE_OPS);
      const op1 = trial.suggestCategorical(names.op1, GENOTYPE_OPS);
      return edgePair(a as number, op0, b as number, op1);
    });
  return { normal: cell('normal'), reduce: cell('reduce') };
}

/** A genotype as the parameters `suggestGenotype` asks for (to enqueue it, or as a model's defaults). */
export function genotypeParams(genotype: Genotype): Record<string, string> {
  const params: Record<string, string> = {};
  for (const kind of CELL_KINDS) {
    genotype[kind].forEach((node, i) => {
      const [lo, hi] = [...node].sort((x, y) => x.input - y.input) as [GenotypeEdge, GenotypeEdge];
      const names = nodeParamNames(kind, i);
      params[names.inputs] = `${lo.input},${hi.input}`;
      params[names.op0] = lo.op;
      params[names.op1] = hi.op;
    });
  }
  return params;
}

/** The genotype a trial's parameters describe; a missing or bad parameter is refused by name. */
export function genotypeFromParams(params: Readonly<Record<string, ParamValue>>, field = 'params'): Genotype {
  const read = (name: string, allowed: readonly string[]): string => {
    const v = params[name];
    if (typeof v !== 'string' || !allowed.includes(v)) {
      throw new InvalidArgumentError(
        `${field}.${name}`,
        v ?? null,
        `one of ${allowed.map((a) => quote(a)).join(', ')}`,
      );
    }
    return v;
  };
  const cell = (kind: CellKind): CellGenotype =>
    Array.from({ length: NODES }, (_, node) => {
      const names = nodeParamNames(kind, node);
      const [a, b] = read(names.inputs, inputPairs(node)).split(',').map(Number);
      return edgePair(a as number, read(names.op0, GENOTYPE_OPS), b as number, read(names.op1, GENOTYPE_OPS));
    });
  return validateGenotype({ normal: cell('normal'), reduce: cell('reduce') }, field);
}
