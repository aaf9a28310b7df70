/**
 * Das & Dennis's structured reference points (1998), as NSGA-III uses them: every vector of
 * `nObjectives` non-negative integers summing to `divisions`, i.e. the simplex's grid with
 * `divisions` steps per edge (scaled by `divisions`; only their directions matter).
 */
export function dasDennisPoints(nObjectives: number, divisions: number): number[][] {
  const out: number[][] = [];
  const walk = (prefix: number[], left: number): void => {
    if (prefix.length === nObjectives - 1) {
      out.push([...prefix, left]);
      return;
    }
    for (let v = left; v >= 0; v--) walk([...prefix, v], left - v);
  };
  if (nObjectives === 1) return [[divisions]];
  walk([], divisions);
  return out;
}

/** Coefficient of the range beyond which infinite (or huge) objective values are clipped. */
const INF_MARGIN = 3;

/** Each column's infinities clipped to 3 ranges beyond its finite values (Optuna's `_filter_inf`). */
export function clipInfinities(losses: readonly Float64Array[]): Float64Array[] {
  const m = losses[0]?.length ?? 0;
  const lo = new Float64Array(m).fill(Infinity);
  const hi = new Float64Array(m).fill(-Infinity);
  for (const p of losses) {
    for (let j = 0; j < m; j++) {
      const v = p[j] as number;
      if (Number.isFinite(v)) {
        lo[j] = Math.min(lo[j] as number, v);
        hi[j] = Math.max(hi[j] as number, v);
      }
    }
  }
  return losses.map((p) =>
    p.map((v, j) => {
      if (!Number.isFinite(lo[j] as number)) return 0;
      const margin = INF_MARGIN * ((hi[j] as number) - (lo[j] as number));
      return Math.min((hi[j] as number) + margin, Math.max((lo[j] as number) - margin, v));
    }),
  );
}

/** x with A x = b by Gaussian elimination with partial pivoting; null when A is singular. */
function solve(a: number[][], b: number[]): number[] | null {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i] as number]);
  const scale = Math.max(1e-300, ...a.flat().map(Math.abs));
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++)
      if (Math.abs((m[r] as number[])[c] as number) > Math.abs((m[pivot] as number[])[c] as number)) pivot = r;
    if (Math.abs((m[pivot] as number[])[c] as number) <= 1e-12 * scale) return null;
    [m[c], m[pivot]] = [m[pivot] as number[], m[c] as number[]];
    const row = m[c] as number[];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const other = m[r] as number[];
      const f = (other[c] as number) / (row[c] as number);
      for (let k = c; k <= n; k++) other[k] = (other[k] as number) - f * (row[k] as number);
    }
  }
  return m.map((row, i) => (row[n] as number) / (row[i] as number));
}

/**
 * NSGA-III's normalisation (Deb & Jain 2014, as Optuna does it): translate by the ideal point;
 * find each axis's extreme point by the achievement scalarising function (weight 1 on the axis,
 * 10⁶ on the others); divide by the intercepts of the hyperplane through the extreme points, or,
 * when they are degenerate, by each axis's maximum.
 */
export function normalizeObjectives(losses: readonly Float64Array[]): Float64Array[] {
  const m = losses[0]?.length ?? 0;
  const ideal = Float64Array.from({ length: m }, (_, j) => Math.min(...losses.map((p) => p[j] as number)));
  const shifted = losses.map((p) => p.map((v, j) => v - (ideal[j] as number)));
  const extremes: number[][] = [];
  for (let d = 0; d < m; d++) {
    let best = 0;
    let bestAsf = Infinity;
    shifted.forEach((p, i) => {
      let asf = -Infinity;
      for (let j = 0; j < m; j++) asf = Math.max(asf, (p[j] as number) * (j === d ? 1 : 1e6));
      if (asf < bestAsf) {
        bestAsf = asf;
        best = i;
      }
    });
    extremes.push(Array.from(shifted[best] as Float64Array));
  }
  let inverse = extremes.flat().every(Number.isFinite) ? solve(extremes, new Array<number>(m).fill(1)) : null;
  if (inverse === null) {
    inverse = Array.from({ length: m }, (_, j) => {
      const max = Math.max(...shifted.map((p) => p[j] as number));
      return 1 / (max === 0 ? 1 : max);
    });
  }
  const inv = inverse;
  return shifted.map((p) => p.map((v, j) => v * (Number.isFinite(inv[j] as number) ? (inv[j] as number) : 1)));
}

/** For each point, its nearest reference line (through the origin and a reference point) and the distance to it. */
export function associate(
  points: readonly Float64Array[],
  references: readonly number[][],
): { readonly nearest: Int32Array; readonly distance: Float64Array } {
  const nearest = new Int32Array(points.length);
  const distance = new Float64Array(points.length).fill(Infinity);
  const norms = references.map((r) => r.reduce((s, v) => s + v * v, 0));
  points.forEach((p, i) => {
    const pp = p.reduce((s, v) => s + v * v, 0);
    references.forEach((r, k) => {
      const dot = r.reduce((s, v, j) => s + v * (p[j] as number), 0);
      const d = Math.sqrt(Math.max(0, pp - (dot * dot) / (norms[k] as number)));
      if (d < (distance[i] as number)) {
        distance[i] = d;
        nearest[i] = k;
      }
    });
  });
  return { nearest, distance };
}
