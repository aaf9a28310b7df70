import type { Study } from '../study/study';
import type { TunerObjective } from '../training/objective-spec';
import { formatNumber } from '../util/format';

/** KerasTuner's results summary as text: the best trials, their score and hyperparameters. */
export function formatResultsSummary(study: Study, objective: TunerObjective, n: number): string {
  const sign = objective.direction === 'maximize' ? -1 : 1;
  const done = study
    .getTrials({ states: ['COMPLETE'] })
    .sort((a, b) => sign * ((a.value as number) - (b.value as number)));
  const byState = (s: string): number => study.getTrials().filter((t) => t.state === s).length;
  const lines = [
    `Results summary (study "${study.studyName}")`,
    `Objective: ${objective.name} (${objective.direction})`,
    `Trials: ${study.trials.length} (${byState('COMPLETE')} complete, ${byState('PRUNED')} pruned, ${byState('FAIL')} failed)`,
  ];
  for (const t of done.slice(0, n)) {
    lines.push('', `Trial ${t.number} — score ${formatNumber(t.value)}`);
    for (const [k, v] of Object.entries(t.params).sort(([a], [b]) => a.localeCompare(b)))
      lines.push(`  ${k}: ${String(v)}`);
  }
  return `${lines.join('\n')}\n`;
}
