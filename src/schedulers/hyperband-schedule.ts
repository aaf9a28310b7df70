import { InvalidArgumentError } from '../errors';

/** One round of successive halving: how many configurations train, and to which epoch. */
export interface HyperbandRound {
  /** Configurations trained in this round (n_i = floor(n * eta^-i) in the paper). */
  readonly configs: number;
  /** The epoch count each reaches by the round's end (r_i = R * eta^(i - s), rounded up). */
  readonly epochs: number;
}

/** One bracket: successive halving started from `rounds[0].configs` configurations. */
export interface HyperbandBracket {
  /** s in the paper: the bracket has s + 1 rounds; s = sMax is the most aggressive. */
  readonly s: number;
  readonly rounds: readonly HyperbandRound[];
}

function checkInteger(field: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new InvalidArgumentError(field, value, `an integer >= ${min}`);
}

/**
 * s_max = the largest s with minEpochs * factor^s <= maxEpochs (integer math: no log rounding at
 * 243 = 3^5).
 */
export function hyperbandSMax(maxEpochs: number, factor: number, minEpochs = 1): number {
  let s = 0;
  while (minEpochs * factor ** (s + 1) <= maxEpochs) s++;
  return s;
}

/**
 * The brackets of one Hyperband iteration (Li et al. 2018, Algorithm 1), most aggressive first, as
 * the paper runs them: bracket s starts n = ceil((s_max + 1) eta^s / (s + 1)) configurations at
 * R eta^-s epochs, and each round keeps the top floor(n eta^-i), so every bracket spends about the
 * same (s_max + 1) R epochs. Epochs are rounded up (KerasTuner's rule) when R is not a power of eta.
 * For R = 81, eta = 3: 81, 34, 15, 8 and 5 configurations starting at 1, 3, 9, 27 and 81 epochs.
 * `minEpochs` (default 1) is the paper's unit of resource: no bracket starts below it, so R is
 * maxEpochs / minEpochs (fewer, less aggressive brackets when low budgets rank configurations badly).
 */
export function hyperbandSchedule(maxEpochs: number, factor: number, minEpochs = 1): HyperbandBracket[] {
  checkInteger('maxEpochs', maxEpochs, 1);
  checkInteger('factor', factor, 2);
  checkInteger('minEpochs', minEpochs, 1);
  if (minEpochs > maxEpochs) throw new InvalidArgumentError('minEpochs', minEpochs, `at most maxEpochs (${maxEpochs})`);
  const sMax = hyperbandSMax(maxEpochs, factor, minEpochs);
  const brackets: HyperbandBracket[] = [];
  for (let s = sMax; s >= 0; s--) {
    const n = Math.ceil(((sMax + 1) * factor ** s) / (s + 1));
    const rounds: HyperbandRound[] = [];
    for (let i = 0; i <= s; i++) {
      rounds.push({ configs: Math.floor(n / factor ** i), epochs: Math.ceil(maxEpochs / factor ** (s - i)) });
    }
    brackets.push({ s, rounds });
  }
  return brackets;
}

/** Epochs one bracket trains when promoted configurations resume from their checkpoints. */
export function bracketEpochs(bracket: HyperbandBracket): number {
  let total = 0;
  let previous = 0;
  for (const round of bracket.rounds) {
    total += round.configs * (round.epochs - previous);
    previous = round.epochs;
  }
  return total;
}

/** Epochs one iteration (every bracket once) trains. */
export function scheduleEpochs(schedule: readonly HyperbandBracket[]): number {
  return schedule.reduce((sum, b) => sum + bracketEpochs(b), 0);
}
