import {
  deriveCell,
  DARTS_V2,
  genotypeFromJson,
  genotypeToJson,
  skipCount,
  validateGenotype,
} from '../../src/nas/genotype';
import { genotypeFromParams, genotypeParams, inputPairs, suggestGenotype } from '../../src/nas/genotype-space';
import { EDGES } from '../../src/nas/cells';
import { PRIMITIVES, type Primitive } from '../../src/nas/primitives';
import type { SuggestApi } from '../../src/training/hyper-model';
import { Rng } from '../../src/random';

/** Softmax-like rows: every op at 0.01, except the ones set. */
function rows(set: Record<number, Partial<Record<Primitive, number>>>): number[][] {
  return Array.from({ length: EDGES }, (_, e) => PRIMITIVES.map((op) => set[e]?.[op] ?? 0.01));
}

describe('DARTS genotypes', () => {
  it('derives each node from its two strongest incoming edges, ranked by their strongest op other than none', () => {
    const cell = deriveCell(
      rows({
        // node 0 (edges 0, 1): both kept, whatever their strength.
        0: { sep_conv_3x3: 0.3 },
        1: { none: 0.9, max_pool_3x3: 0.2 },
        // node 1 (edges 2, 3, 4: inputs 0, 1, node 0): `none` dominates edge 2 but does not count.
        2: { none: 0.95, skip_connect: 0.05 },
        3: { dil_conv_5x5: 0.4 },
        4: { avg_pool_3x3: 0.35, sep_conv_5x5: 0.3 },
        // node 2 (edges 5..8): inputs 3 and 0 win.
        5: { skip_connect: 0.5 },
        6: { sep_conv_3x3: 0.2 },
        8: { dil_conv_3x3: 0.6 },
        // node 3 (edges 9..13): inputs 4 and 2.
        11: { sep_conv_5x5: 0.45 },
        13: { max_pool_3x3: 0.7 },
        10: { sep_conv_3x3: 0.44 },
      }),
    );
    expect(cell).toEqual([
      [
        { op: 'sep_conv_3x3', input: 0 },
        { op: 'max_pool_3x3', input: 1 },
      ],
      [
        { op: 'dil_conv_5x5', input: 1 },
        { op: 'avg_pool_3x3', input: 2 },
      ],
      [
        { op: 'skip_connect', input: 0 },
        { op: 'dil_conv_3x3', input: 3 },
      ],
      [
        { op: 'sep_conv_5x5', input: 2 },
        { op: 'max_pool_3x3', input: 4 },
      ],
    ]);
    expect(skipCount(cell)).toBe(1);
  });

  it('refuses an unknown op, an input that does not exist and a node with one input, naming the field', () => {
    const bad = (edit: (g: { normal: unknown[]; reduce: unknown[] }) => void): unknown => {
      const g = JSON.parse(genotypeToJson(DARTS_V2)) as { normal: unknown[]; reduce: unknown[] };
      edit(g);
      return g;
    };
    expect(() => validateGenotype(bad((g) => ((g.normal[1] as { op: string }[])[0]!.op = 'conv_7x7')))).toThrow(
      /genotype\.normal\[1\]\[0\]\.op: got "conv_7x7"; expected one of skip_connect, max_pool_3x3/,
    );
    expect(() => validateGenotype(bad((g) => ((g.reduce[0] as { input: number }[])[1]!.input = 2)))).toThrow(
      /genotype\.reduce\[0\]\[1\]\.input: got 2; expected one of 0, 1 /,
    );
    expect(() => validateGenotype(bad((g) => (g.normal[3] = [(g.normal[3] as unknown[])[0]])))).toThrow(
      /genotype\.normal\[3\]: .*expected two \{ op, input \} edges/,
    );
    expect(() =>
      validateGenotype(
        bad(
          (g) =>
            (g.normal[2] = [
              { op: 'skip_connect', input: 1 },
              { op: 'skip_connect', input: 1 },
            ]),
        ),
      ),
    ).toThrow(/genotype\.normal\[2\]\[1\]\.input: got 1; expected an input other than 1/);
    expect(() => genotypeFromJson('{"normal": [', 'darts.genotype')).toThrow(/darts\.genotype: /);
    expect(() => validateGenotype({ ...DARTS_V2, extra: 1 })).toThrow(/genotype\.extra: .*normal or reduce only/);
  });

  it('round-trips through JSON and through the 24 sampler parameters', () => {
    expect(genotypeFromJson(genotypeToJson(DARTS_V2))).toEqual(DARTS_V2);
    const params = genotypeParams(DARTS_V2);
    expect(Object.keys(params)).toHaveLength(24);
    expect(params['normal_node3_inputs']).toBe('0,2');
    const back = genotypeFromParams(params);
    // Each node's edges come back in input order; the architecture is the same.
    const sorted = (g: typeof DARTS_V2): unknown =>
      JSON.stringify([g.normal, g.reduce].map((c) => c.map((n) => [...n].sort((a, b) => a.input - b.input))));
    expect(sorted(back)).toBe(sorted(DARTS_V2));
    expect(() => genotypeFromParams({ ...params, reduce_node1_op0: 'none' })).toThrow(
      /params\.reduce_node1_op0: got "none"; expected one of "skip_connect"/,
    );
    expect(() => genotypeFromParams({ ...params, normal_node0_inputs: '0,2' })).toThrow(
      /params\.normal_node0_inputs: got "0,2"; expected one of "0,1"$/,
    );
  });

  it('samples only valid genotypes: each node two distinct earlier states', () => {
    expect(inputPairs(0)).toEqual(['0,1']);
    expect(inputPairs(3)).toHaveLength(10);
    const rng = new Rng(5);
    const api: SuggestApi = {
      suggestFloat: (_, low) => low,
      suggestInt: (_, low) => low,
      suggestCategorical: (_, choices) => choices[Math.floor(rng.next() * choices.length)]!,
    };
    for (let i = 0; i < 50; i++) expect(validateGenotype(suggestGenotype(api))).toBeDefined();
  });
});
