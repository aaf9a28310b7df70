/**
 * Hypervolume of a set of loss vectors (all objectives minimised) against a reference point, for
 * MOTPE's split and weights. Two objectives: an exact sweep. More: the WFG recursion (exclusive
 * volume of each point = its box minus the volume of the others limited to its box), which is
 * quick for the ≤ 25 points MOTPE hands it.
 */
export function hypervolume(points: readonly Float64Array[], ref: Float64Array): number {
  const pts = points.filter((p) => p.every((v, j) => v < (ref[j] as number)));
  if (pts.length === 0) return 0;
  const m = ref.length;
  if (m === 1) return (ref[0] as number) - Math.min(...pts.map((p) => p[0] as number));
  if (m === 2) return sweep2d(pts, ref);
  let total = 0;
  for (let i = 0; i < pts.length; i++) {
    const p = pts[i] as Float64Array;
    total += box(p, ref) - hypervolume(limitSet(pts, i + 1, p), ref);
  }
  return total;
}

/** The volume point `p` adds to `others` (its exclusive hypervolume). */
export function contribution(p: Float64Array, others: readonly Float64Array[], ref: Float64Array): number {
  if (!p.every((v, j) => v < (ref[j] as number))) return 0;
  return box(p, ref) - hypervolume(limitSet(others, 0, p), ref);
}

function box(p: Float64Array, ref: Float64Array): number {
  let v = 1;
  for (let j = 0; j < ref.length; j++) v *= (ref[j] as number) - (p[j] as number);
  return v;
}

function sweep2d(pts: Float64Array[], ref: Float64Array): number {
  const sorted = pts.slice().sort((a, b) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number));
  let volume = 0;
  let lastY = ref[1] as number;
  for (const p of sorted) {
    const y = p[1] as number;
    if (y < lastY) {
      volume += ((ref[0] as number) - (p[0] as number)) * (lastY - y);
      lastY = y;
    }
  }
  return volume;
}

/** `pts[from..]` each clipped to the part dominated by `p`, keeping only non-dominated ones. */
function limitSet(pts: readonly Float64Array[], from: number, p: Float64Array): Float64Array[] {
  const limited: Float64Array[] = [];
  for (let i = from; i < pts.length; i++) {
    const q = pts[i] as Float64Array;
    const l = new Float64Array(q.length);
    for (let j = 0; j < q.length; j++) l[j] = Math.max(p[j] as number, q[j] as number);
    limited.push(l);
  }
  return limited.filter(
    (a, i) => !limited.some((b, k) => k !== i && weaklyDominates(b, a) && (k < i || !weaklyDominates(a, b))),
  );
}

/** b <= a in every coordinate. */
function weaklyDominates(b: Float64Array, a: Float64Array): boolean {
  for (let j = 0; j < a.length; j++) if ((b[j] as number) > (a[j] as number)) return false;
  return true;
}
