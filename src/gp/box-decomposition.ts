/**
 * Boxes (lower, upper corners; lower coordinates may be -Infinity) that together tile the region
 * below `ref` that no point of `front` weakly dominates (every objective minimised), without
 * overlap. A new point's hypervolume improvement is then the sum over boxes of the part of each box
 * it dominates, a product of clamped differences: what LogEHVI averages over posterior samples.
 */
export interface BoxDecomposition {
  readonly lower: Float64Array[];
  readonly upper: Float64Array[];
}

/**
 * Slab recursion on the last objective: between two consecutive values of it among the points, the
 * points that can dominate anything in the slab are exactly those below it, so the slab's cross
 * section is the non-dominated region of their projections, one objective fewer. A point whose
 * projection is dominated by an earlier one changes nothing, so its slab merges with the one below.
 * 2 objectives give n + 1 boxes, 3 at most (n + 1)(n + 2) / 2.
 */
export function nonDominatedBoxes(front: readonly ArrayLike<number>[], ref: ArrayLike<number>): BoxDecomposition {
  const m = ref.length;
  const inside = front
    .filter((p) => {
      for (let j = 0; j < m; j++) if (!((p[j] as number) < (ref[j] as number))) return false;
      return true;
    })
    .map((p) => Float64Array.from(p));
  const boxes = slabs(inside, Float64Array.from(ref), m);
  return { lower: boxes.map((b) => b[0]), upper: boxes.map((b) => b[1]) };
}

type Box = [Float64Array, Float64Array];

function slabs(points: Float64Array[], ref: Float64Array, m: number): Box[] {
  const last = m - 1;
  if (m === 1) {
    let min = ref[0] as number;
    for (const p of points) min = Math.min(min, p[0] as number);
    return [[Float64Array.of(-Infinity), Float64Array.of(min)]];
  }
  const sorted = points.slice().sort((a, b) => (a[last] as number) - (b[last] as number));
  const out: Box[] = [];
  let below: Float64Array[] = []; // projections of the points under the current slab
  let current: Box[] = slabBoxes(below, ref, m, -Infinity);
  for (let k = 0; k <= sorted.length; k++) {
    const top = k < sorted.length ? ((sorted[k] as Float64Array)[last] as number) : (ref[last] as number);
    for (const b of current) b[1][last] = top;
    if (k === sorted.length) break;
    const projection = (sorted[k] as Float64Array).subarray(0, last);
    if (below.some((q) => weaklyDominates(q, projection))) continue; // same cross section: the slab grows
    out.push(...current.filter((b) => (b[1][last] as number) > (b[0][last] as number)));
    below = below.filter((q) => !weaklyDominates(projection, q));
    below.push(projection);
    current = slabBoxes(below, ref, m, top);
  }
  out.push(...current.filter((b) => (b[1][last] as number) > (b[0][last] as number)));
  return out;
}

/** The cross-section boxes for the points `below`, extended to m objectives from `bottom` (top set later). */
function slabBoxes(below: Float64Array[], ref: Float64Array, m: number, bottom: number): Box[] {
  return slabs(below, ref.subarray(0, m - 1), m - 1)
    .filter(([lo, hi]) => lo.every((l, j) => (hi[j] as number) > l))
    .map(([lo, hi]) => {
      const l = new Float64Array(m);
      const u = new Float64Array(m);
      l.set(lo);
      u.set(hi);
      l[m - 1] = bottom;
      u[m - 1] = bottom;
      return [l, u];
    });
}

function weaklyDominates(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  for (let j = 0; j < a.length; j++) if ((a[j] as number) > (b[j] as number)) return false;
  return true;
}
