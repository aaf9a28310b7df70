import { InvalidArgumentError } from '../errors';
import { edgeOffset, NODES } from './cells';
import { PRIMITIVES, type Primitive } from './primitives';

/** One chosen edge: the op and the state it reads (0, 1: the cell's inputs; 2 + i: node i). */
export interface GenotypeEdge {
  readonly op: Primitive;
  readonly input: number;
}
/** A cell: for each of the 4 nodes, its two edges. */
export type CellGenotype = readonly (readonly [GenotypeEdge, GenotypeEdge])[];
/** A discrete DARTS architecture; all four nodes of a cell are concatenated into its output. */
export interface Genotype {
  readonly normal: CellGenotype;
  readonly reduce: CellGenotype;
}

/** Ops a genotype may use: every primitive but `none` (DARTS never derives it). */
export const GENOTYPE_OPS: readonly Primitive[] = PRIMITIVES.filter((op) => op !== 'none');

/** DARTS (second order)'s published CIFAR-10 cell (Liu et al. 2019, `DARTS_V2`), in this form. */
export const DARTS_V2: Genotype = {
  normal: [
    [
      { op: 'sep_conv_3x3', input: 0 },
      { op: 'sep_conv_3x3', input: 1 },
    ],
    [
      { op: 'sep_conv_3x3', input: 0 },
      { op: 'sep_conv_3x3', input: 1 },
    ],
    [
      { op: 'sep_conv_3x3', input: 1 },
      { op: 'skip_connect', input: 0 },
    ],
    [
      { op: 'skip_connect', input: 0 },
      { op: 'dil_conv_3x3', input: 2 },
    ],
  ],
  reduce: [
    [
      { op: 'max_pool_3x3', input: 0 },
      { op: 'max_pool_3x3', input: 1 },
    ],
    [
      { op: 'skip_connect', input: 2 },
      { op: 'max_pool_3x3', input: 1 },
    ],
    [
      { op: 'max_pool_3x3', input: 0 },
      { op: 'skip_connect', input: 2 },
    ],
    [
      { op: 'skip_connect', input: 2 },
      { op: 'max_pool_3x3', input: 1 },
    ],
  ],
};

/**
 * The discrete cell α stands for (DARTS' `_parse`): for each node, rank its incoming edges by their
 * strongest op other than `none` and keep the top two, each with that op. `weights` is softmax(α)
 * as [14][8] rows (ties: the lower edge and op index win, as a stable sort gives).
 */
export function deriveCell(weights: readonly (readonly number[])[]): CellGenotype {
  const noneIndex = PRIMITIVES.indexOf('none');
  const cell: [GenotypeEdge, GenotypeEdge][] = [];
  for (let node = 0; node < NODES; node++) {
    const candidates: { input: number; op: Primitive; strength: number }[] = [];
    for (let j = 0; j < 2 + node; j++) {
      const row = weights[edgeOffset(node) + j] ?? [];
      let best = -1;
      row.forEach((w, k) => {
        if (k !== noneIndex && (best < 0 || w > (row[best] as number))) best = k;
      });
      candidates.push({ input: j, op: PRIMITIVES[best] as Primitive, strength: row[best] as number });
    }
    const top = candidates.sort((a, b) => b.strength - a.strength).slice(0, 2);
    const [a, b] = top.sort((x, y) => x.input - y.input) as unknown as [GenotypeEdge, GenotypeEdge];
    cell.push([
      { op: a.op, input: a.input },
      { op: b.op, input: b.input },
    ]);
  }
  return cell;
}

/** Both cells' genotype from their softmax(α) rows. */
export function deriveGenotype(
  normal: readonly (readonly number[])[],
  reduce: readonly (readonly number[])[],
): Genotype {
  return { normal: deriveCell(normal), reduce: deriveCell(reduce) };
}

/** How many `skip_connect` edges a cell keeps (DARTS' collapse shows as many of them). */
export function skipCount(cell: CellGenotype): number {
  return cell.reduce((n, node) => n + node.filter((e) => e.op === 'skip_connect').length, 0);
}

function checkCell(value: unknown, field: string): CellGenotype {
  if (!Array.isArray(value) || value.length !== NODES) {
    throw new InvalidArgumentError(field, value, `an array of ${NODES} nodes, each two { op, input } edges`);
  }
  return value.map((node: unknown, i) => {
    const nodeField = `${field}[${i}]`;
    if (!Array.isArray(node) || node.length !== 2) {
      throw new InvalidArgumentError(nodeField, node, 'two { op, input } edges (a node sums two inputs)');
    }
    const edges = node.map((edge: unknown, k) => {
      const edgeField = `${nodeField}[${k}]`;
      if (typeof edge !== 'object' || edge === null)
        throw new InvalidArgumentError(edgeField, edge, 'an { op, input } object');
      const { op, input } = edge as Record<string, unknown>;
      if (typeof op !== 'string' || !(GENOTYPE_OPS as readonly string[]).includes(op)) {
        throw new InvalidArgumentError(`${edgeField}.op`, op ?? null, `one of ${GENOTYPE_OPS.join(', ')}`);
      }
      const inputs = Array.from({ length: i + 2 }, (_, j) => j);
      if (typeof input !== 'number' || !inputs.includes(input)) {
        throw new InvalidArgumentError(
          `${edgeField}.input`,
          input ?? null,
          `one of ${inputs.join(', ')} (0, 1: the cell's inputs; 2 + j: node j before node ${i})`,
        );
      }
      return { op: op as Primitive, input };
    }) as [GenotypeEdge, GenotypeEdge];
    if (edges[0].input === edges[1].input) {
      throw new InvalidArgumentError(`${nodeField}[1].input`, edges[1].input, `an input other than ${edges[0].input}`);
    }
    return edges;
  });
}

/** Checks a genotype (parsed JSON or an object) and returns it typed; errors name the field. */
export function validateGenotype(value: unknown, field = 'genotype'): Genotype {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(field, value, 'an object { normal, reduce }');
  }
  const v = value as Record<string, unknown>;
  const extra = Object.keys(v).filter((k) => k !== 'normal' && k !== 'reduce');
  if (extra.length > 0)
    throw new InvalidArgumentError(`${field}.${extra[0]}`, v[extra[0] as string], 'normal or reduce only');
  return { normal: checkCell(v['normal'], `${field}.normal`), reduce: checkCell(v['reduce'], `${field}.reduce`) };
}

export function genotypeToJson(genotype: Genotype): string {
  return JSON.stringify(genotype);
}

export function genotypeFromJson(json: string, field = 'genotype'): Genotype {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new InvalidArgumentError(field, json, 'genotype JSON: { "normal": [...], "reduce": [...] }');
  }
  return validateGenotype(parsed, field);
}

/** A short text form, e.g. `normal: sep_conv_3x3(0)+sep_conv_3x3(1) | ...`, for logs and the CLI. */
export function formatGenotype(genotype: Genotype): string {
  const cell = (c: CellGenotype): string => c.map((n) => n.map((e) => `${e.op}(${e.input})`).join('+')).join(' | ');
  return `normal: ${cell(genotype.normal)}\nreduce: ${cell(genotype.reduce)}`;
}
