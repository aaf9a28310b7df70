/**
 * The README's main job as the main-job benchmark runs it: `examples/cifar-cnn.yaml` (the zoo CNN on
 * synthetic CIFAR-style images) with TPE and its median pruner, 16 trials of 6 epochs, and a
 * batch-norm variant (3 blocks, kernel 3 or 5 from the model's own space). Both sides get the same
 * config: ours runs it with `tfjs-tune run`, Optuna + PyTorch reads the search space recorded here.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { parse } from 'yaml';

import { configuredModel } from '../../src/cli/config/resolve';
import { validateConfig, type RunConfig } from '../../src/cli/config/schema';
import { configuredSpace } from '../../src/cli/config/space';
import type { CategoricalChoice } from '../../src/space/distributions';
import type { SuggestApi } from '../../src/training/hyper-model';

export const VARIANTS = ['default', 'batch-norm'] as const;
export type Variant = (typeof VARIANTS)[number];

export interface JobSize {
  readonly trials: number;
  readonly epochs: number;
}

/** The job; MAIN_JOB_QUICK=1 shrinks it to 4 trials of 2 epochs for development. */
export const FULL_JOB: JobSize = { trials: 16, epochs: 6 };
export const QUICK_JOB: JobSize = { trials: 4, epochs: 2 };

/** One parameter of the search space, as both sides suggest it. */
export type SpaceEntry =
  | {
      readonly name: string;
      readonly kind: 'float';
      readonly low: number;
      readonly high: number;
      readonly log: boolean;
    }
  | { readonly name: string; readonly kind: 'int'; readonly low: number; readonly high: number; readonly log: boolean }
  | { readonly name: string; readonly kind: 'categorical'; readonly choices: readonly CategoricalChoice[] };

function exampleConfig(): Record<string, unknown> {
  // From the sources and from dist/benchmarks/main-job alike: examples/ sits at the repository root.
  const candidates = [resolve(__dirname, '..', '..', 'examples'), resolve(__dirname, '..', '..', '..', 'examples')];
  for (const dir of candidates) {
    try {
      return parse(readFileSync(resolve(dir, 'cifar-cnn.yaml'), 'utf8')) as Record<string, unknown>;
    } catch {
      // try the next place
    }
  }
  throw new Error(`examples/cifar-cnn.yaml not found under ${candidates.join(' or ')}`);
}

/** The raw config (what a user would write) for a variant, a size and a study seed. */
export function jobConfig(variant: Variant, size: JobSize, seed: number): Record<string, unknown> {
  const example = exampleConfig();
  const parameters = { ...(example['parameters'] as Record<string, unknown>) };
  if (variant === 'batch-norm') {
    parameters['batch_norm'] = { value: true };
    parameters['num_blocks'] = { value: 3 };
  }
  return {
    ...example,
    study: `main-job-${variant}`,
    method: 'tpe',
    parameters,
    epochs: size.epochs,
    trials: size.trials,
    seed,
  };
}

export function resolvedConfig(raw: Record<string, unknown>): RunConfig {
  return validateConfig(raw, { studyFromFile: 'main-job' });
}

/**
 * The search space a run's trials see, in the order the model suggests it: the zoo CNN's space with
 * the config's parameters in place (run through a recording `SuggestApi`, so it cannot drift from
 * what `tfjs-tune run` samples).
 */
export function recordedSpace(config: RunConfig): SpaceEntry[] {
  const model = configuredModel(config, { train: dummy, val: dummy });
  const entries: SpaceEntry[] = [];
  const recorder: SuggestApi = {
    suggestFloat: (name, low, high, options) => {
      if (options?.step !== undefined) throw new Error(`main-job: ${name} has a step; the Python side has none`);
      entries.push({ name, kind: 'float', low, high, log: options?.log === true });
      return low;
    },
    suggestInt: (name, low, high, options) => {
      if (options?.step !== undefined && options.step !== 1)
        throw new Error(`main-job: ${name} has a step; the Python side has none`);
      entries.push({ name, kind: 'int', low, high, log: options?.log === true });
      return low;
    },
    suggestCategorical: (name, choices) => {
      entries.push({ name, kind: 'categorical', choices: choices.slice() });
      return choices[0] as (typeof choices)[number];
    },
  };
  configuredSpace(model, config)(recorder);
  return entries;
}

/** configuredModel only looks at the data's kind for `model: auto`; a cnn config never reads it. */
const dummy = { x: new Float32Array(0), xShape: [0, 32, 32, 3], y: new Int32Array(0), numClasses: 2 };
