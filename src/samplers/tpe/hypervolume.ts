import { hypervolume, nonDominated } from '../hypervolume/exact';

/** Hypervolume of loss vectors against `ref`, for MOTPE's split and weights (exact; see ../hypervolume/exact). */
export { hypervolume };

/** The volume point `p` adds to `others` (its exclusive hypervolume). */
export function contribution(p: Float64Array, others: readonly Float64Array[], ref: Float64Array): number {
  if (!p.every((v, j) => v < (ref[j] as number))) return 0;
  let box = 1;
  for (let j = 0; j < ref.length; j++) box *= (ref[j] as number) - (p[j] as number);
  const limited = nonDominated(others.map((q) => q.map((v, j) => Math.max(p[j] as number, v))));
  return box - hypervolume(limited, ref);
}
