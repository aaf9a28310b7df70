import { join } from 'node:path';

import { redactStorageUrl } from '../../storage/postgres-url';
import type { Study } from '../../study/study';
import type { FrozenTrial } from '../../trial/frozen-trial';
import { formatNumber } from '../../util/format';
import type { RunConfig } from '../config/schema';
import { runBest } from './run-schedule';

/**
 * Seconds without a heartbeat after which a RUNNING trial counts as dead (three missed heartbeats of
 * 20 s, `createStudy`'s defaults for a file storage): the next process that asks for a trial marks
 * it FAIL. Until then the summary counts it as running.
 */
export const HEARTBEAT_GRACE_SECONDS = 60;

/** How many failure reasons the summary lists. */
const TOP_REASONS = 3;

export interface RunSummary {
  text: string;
  readonly json: Record<string, unknown>;
  /** 0 done; 1 no trial completed (this run's, or any of the study's); 130 interrupted. */
  readonly exitCode: number;
}

/** The most common fail reasons (first line, at most 160 characters), most frequent first. */
export function failureReasons(trials: readonly FrozenTrial[]): { reason: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const t of trials) {
    if (t.state !== 'FAIL') continue;
    const reason = (t.failReason ?? 'no reason recorded').split('\n')[0]?.slice(0, 160) ?? '';
    counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  return [...counts.entries()]
    .map(([reason, count]) => ({ reason, count }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason))
    .slice(0, TOP_REASONS);
}

/**
 * The end of a run: counts over the whole study (a resumed study's best is the study's, not this
 * run's), the trials still RUNNING (another process's, or a dead one's), the most common failure
 * reasons, and the exit code — non-zero when none of this run's trials completed.
 */
export function summarize(
  study: Study,
  config: RunConfig,
  run: { checkpointDir: string; file: string; interrupted: boolean; firstTrial: number },
): RunSummary {
  const trials = study.trials;
  const ofThisRun = trials.filter((t) => t.number >= run.firstTrial);
  const byState = (state: FrozenTrial['state'], list = trials): number => list.filter((t) => t.state === state).length;
  const counts = {
    total: trials.length,
    complete: byState('COMPLETE'),
    pruned: byState('PRUNED'),
    failed: byState('FAIL'),
    running: byState('RUNNING'),
    thisRun: ofThisRun.length,
    completeThisRun: byState('COMPLETE', ofThisRun),
  };
  const failures = failureReasons(ofThisRun);
  // A resumed schedule with nothing left to run is done (0); trials run and none completed, or a study
  // with no complete trial at all, is a failure (1).
  const nothingCompleted = counts.completeThisRun === 0 && (counts.thisRun > 0 || counts.complete === 0);
  const exitCode = run.interrupted ? 130 : nothingCompleted ? 1 : 0;
  const more = config.scheduler.type === 'hyperband' ? '' : ' --trials N';
  const resumeHint = `tfjs-tune run ${run.file} --resume${more}${config.storage === 'sqlite:./tfjs-tune.db' ? '' : ` --storage ${redactStorageUrl(config.storage)}`}`;
  const scheduled = config.scheduler.type !== 'none';
  const best = runBest(study, config);
  const head = `${run.interrupted ? 'interrupted' : 'done'}: ${counts.total} trials in study "${config.study}" (${counts.complete} complete, ${counts.pruned} pruned, ${counts.failed} failed${
    counts.running > 0 ? `, ${counts.running} still running` : ''
  }); ${counts.completeThisRun} of this run's ${counts.thisRun} completed`;
  const lines = [head];
  if (counts.running > 0)
    lines.push(
      `  running: trials of another process, or of one that died (marked FAIL once they have sent no heartbeat for ${HEARTBEAT_GRACE_SECONDS} s)`,
    );
  if (failures.length > 0)
    lines.push('most common failure reasons:', ...failures.map((f) => `  ${f.count}× ${f.reason}`));
  if (exitCode === 1) lines.push(counts.thisRun > 0 ? 'no trial of this run completed' : 'no trial completed');
  let bestJson: Record<string, unknown> | null = null;
  if (best !== null) {
    const checkpoint =
      typeof best.userAttrs['checkpoint'] === 'string'
        ? best.userAttrs['checkpoint']
        : join(run.checkpointDir, `trial_${best.number}`);
    const among = scheduled ? ` (among trials trained the full ${config.epochs} epochs)` : '';
    const value = best.values?.[0] ?? null;
    if (config.objectives.length > 1) lines.push(...paretoLines(study, config));
    lines.push(
      `best trial of the study${among}${config.objectives.length > 1 ? ` by ${config.metric.name}` : ''}: #${best.number}, ${config.metric.name} = ${formatNumber(value)}`,
      ...Object.entries(best.params)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `  ${k}: ${String(v)}`),
      `checkpoint: ${checkpoint}`,
    );
    bestJson = { number: best.number, value, params: best.params, checkpoint };
  } else if (scheduled && counts.complete > 0) {
    lines.push(`no trial trained the full ${config.epochs} epochs yet`);
  }
  lines.push(`resume with: ${resumeHint}`, '');
  return {
    text: lines.join('\n'),
    json: {
      study: config.study,
      storage: redactStorageUrl(config.storage),
      interrupted: run.interrupted,
      counts,
      failures,
      best: bestJson,
      ...(config.objectives.length > 1 ? { paretoFront: paretoJson(study, config, run.checkpointDir) } : {}),
      resume: resumeHint,
    },
    exitCode,
  };
}

/** The Pareto front (feasible COMPLETE trials no other dominates), ordered by the first metric. */
function frontOf(study: Study, config: RunConfig): FrozenTrial[] {
  const sign = config.metric.goal === 'maximize' ? -1 : 1;
  const first = (t: FrozenTrial): number => t.values?.[0] ?? Number.NaN;
  return [...study.bestTrials].sort((a, b) => sign * (first(a) - first(b)) || a.number - b.number);
}

function paretoLines(study: Study, config: RunConfig): string[] {
  const front = frontOf(study, config);
  const goals = config.objectives.map((m) => `${m.name} ${m.goal === 'maximize' ? 'up' : 'down'}`).join(', ');
  return [
    `Pareto front (${goals}): ${front.length} trial(s)`,
    ...front.map(
      (t) =>
        `  #${t.number}  ${config.objectives.map((m, i) => `${m.name}=${formatNumber(t.values?.[i] ?? null)}`).join('  ')}`,
    ),
  ];
}

function paretoJson(study: Study, config: RunConfig, checkpointDir: string): Record<string, unknown>[] {
  return frontOf(study, config).map((t) => ({
    number: t.number,
    values: Object.fromEntries(config.objectives.map((m, i) => [m.name, t.values?.[i] ?? null])),
    params: t.params,
    checkpoint:
      typeof t.userAttrs['checkpoint'] === 'string'
        ? t.userAttrs['checkpoint']
        : join(checkpointDir, `trial_${t.number}`),
  }));
}
