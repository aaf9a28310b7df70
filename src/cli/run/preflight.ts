import type { RunConfig } from '../config/schema';

/** Beyond these a number is far more likely a typo (an extra zero) than a plan: a warning names it. */
export const SANE_EPOCHS = 1000;
export const SANE_TRIALS = 10_000;

/**
 * Warnings for a config that is valid but probably not meant: `epochs` or `trials` far beyond the
 * usual range, more workers than cores (trials then compete for them and each runs slower). Each
 * names the number.
 */
export function sanityWarnings(config: RunConfig, cores: number): string[] {
  const out: string[] = [];
  if (config.epochs > SANE_EPOCHS)
    out.push(`epochs ${config.epochs} is far beyond the usual range (<= ${SANE_EPOCHS}): every trial trains that long`);
  if (config.trials !== null && config.trials > SANE_TRIALS)
    out.push(`trials ${config.trials} is far beyond the usual range (<= ${SANE_TRIALS})`);
  if (config.workers !== null && config.workers > cores)
    out.push(
      `--workers ${config.workers} is more than the ${cores} core(s) here: the trials compete for them and each runs slower`,
    );
  return out;
}

/** tfjs messages that say nothing a user can act on in a tuning run (each trial would repeat them). */
const TFJS_NOISE = [
  /Orthogonal initializer is being called on a matrix with more than/,
  /looks like you are running TensorFlow\.js in Node\.js/i,
];

/**
 * Keeps tfjs's initializer and backend chatter out of a run's output: `console.warn` drops the
 * messages above and prints any other message once. Returns the function that puts it back.
 */
export function quietTfjsWarnings(): () => void {
  const original = console.warn;
  const seen = new Set<string>();
  console.warn = (...args: unknown[]): void => {
    const text = args.map(String).join(' ');
    if (TFJS_NOISE.some((re) => re.test(text)) || seen.has(text)) return;
    seen.add(text);
    original.apply(console, args);
  };
  return () => {
    console.warn = original;
  };
}
