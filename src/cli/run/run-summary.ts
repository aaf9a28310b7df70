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
    lines.push(
      `best trial of the study${among}: #${best.number}, ${config.metric.name} = ${formatNumber(best.value)}`,
      ...Object.entries(best.params)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `  ${k}: ${String(v)}`),
      `checkpoint: ${checkpoint}`,
    );
    bestJson = { number: best.number, value: best.value, params: best.params, checkpoint };
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
      resume: resumeHint,
    },
    exitCode,
  };
}
