/**
 * Sobol' direction numbers from Joe & Kuo's `new-joe-kuo-6.21201` (the table scipy uses), for
 * dimensions 2..53; dimension 1 is the van der Corput sequence. Each row is `s a m_1 .. m_s`: the
 * degree s of the primitive polynomial, its inner coefficients a as bits, and the initial odd
 * m_k < 2^k.
 */
const JOE_KUO_6_21201 = [
  '1 0 1',
  '2 1 1 3',
  '3 1 1 3 1',
  '3 2 1 1 1',
  '4 1 1 1 3 3',
  '4 4 1 3 5 13',
  '5 2 1 1 5 5 17',
  '5 4 1 1 5 5 5',
  '5 7 1 1 7 11 19',
  '5 11 1 1 5 1 1',
  '5 13 1 1 1 3 11',
  '5 14 1 3 5 5 31',
  '6 1 1 3 3 9 7 49',
  '6 13 1 1 1 15 21 21',
  '6 16 1 3 1 13 27 49',
  '6 19 1 1 1 15 7 5',
  '6 22 1 3 1 15 13 25',
  '6 25 1 1 5 5 19 61',
  '7 1 1 3 7 11 23 15 103',
  '7 4 1 3 7 13 13 15 69',
  '7 7 1 1 3 13 7 35 63',
  '7 8 1 3 5 9 1 25 53',
  '7 14 1 3 1 13 9 35 107',
  '7 19 1 3 1 5 27 61 31',
  '7 21 1 1 5 11 19 41 61',
  '7 28 1 3 5 3 3 13 69',
  '7 31 1 1 7 13 1 19 1',
  '7 32 1 3 7 5 13 19 59',
  '7 37 1 1 3 9 25 29 41',
  '7 41 1 3 5 13 23 1 55',
  '7 42 1 3 7 3 13 59 17',
  '7 50 1 3 1 3 5 53 69',
  '7 55 1 1 5 5 23 33 13',
  '7 56 1 1 7 7 1 61 123',
  '7 59 1 1 7 9 13 61 49',
  '7 62 1 3 3 5 3 55 33',
  '8 14 1 3 1 15 31 13 49 245',
  '8 21 1 3 5 15 31 59 63 97',
  '8 22 1 3 1 11 11 11 77 249',
  '8 38 1 3 1 11 27 43 71 9',
  '8 47 1 1 7 15 21 11 81 45',
  '8 49 1 3 7 3 25 31 65 79',
  '8 50 1 3 1 1 19 11 3 205',
  '8 52 1 1 5 9 19 21 29 157',
  '8 56 1 3 7 11 1 33 89 185',
  '8 67 1 3 3 3 15 9 79 71',
  '8 70 1 3 7 11 15 39 119 27',
  '8 84 1 1 3 1 11 31 97 225',
  '8 97 1 1 1 3 23 43 57 177',
  '8 103 1 3 7 7 17 17 37 71',
  '8 115 1 3 1 5 27 63 123 213',
  '8 122 1 1 3 5 11 43 53 133',
];

/** Bits of precision of each coordinate (points are multiples of 2^-32). */
export const SOBOL_BITS = 32;
/** The most dimensions the table covers. */
export const SOBOL_MAX_DIM = JOE_KUO_6_21201.length + 1;

/**
 * Direction numbers v_j (j = 0..31) of one dimension as 32-bit integers, v_j = m_j / 2^(j+1):
 * the initial m_j from the table, the rest from the Bratley–Fox recurrence
 * v_j = v_{j-s} ^ (v_{j-s} >> s) ^ XOR_k a_k v_{j-k}.
 */
function directionsOf(dim: number): Uint32Array {
  const v = new Uint32Array(SOBOL_BITS);
  if (dim === 0) {
    for (let j = 0; j < SOBOL_BITS; j++) v[j] = 2 ** (31 - j);
    return v;
  }
  const [s, a, ...m] = (JOE_KUO_6_21201[dim - 1] as string).split(' ').map(Number) as [number, number, ...number[]];
  for (let j = 0; j < SOBOL_BITS; j++) {
    if (j < s) {
      v[j] = (m[j] as number) * 2 ** (31 - j);
      continue;
    }
    let x = (v[j - s] as number) ^ ((v[j - s] as number) >>> s);
    for (let k = 1; k < s; k++) if (((a >>> (s - 1 - k)) & 1) === 1) x ^= v[j - k] as number;
    v[j] = x >>> 0;
  }
  return v;
}

/** The direction numbers of every dimension, index 0 = dimension 1 (a constant, built at load). */
export const SOBOL_DIRECTIONS: readonly Uint32Array[] = Object.freeze(
  Array.from({ length: SOBOL_MAX_DIM }, (_, d) => directionsOf(d)),
);
