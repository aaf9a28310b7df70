import { DuplicatedStudyError, StorageError } from '../errors';
import type { Storage } from '../storage/base';
import { journalLines } from './journal-export';
import { replayJournal } from './journal-replay';

/**
 * The studies named (all when none is) as an Optuna JournalFileStorage log, one JSON line per
 * operation, ending in a newline. Optuna (3.1 and later) opens it with
 * `JournalStorage(JournalFileStorage(path))`, optuna-dashboard with `optuna-dashboard FILE`.
 */
export async function exportOptunaJournal(storage: Storage, studyNames?: readonly string[]): Promise<string> {
  const records = await storage.getAllStudies();
  const wanted =
    studyNames === undefined
      ? records
      : await Promise.all(studyNames.map(async (n) => storage.getStudy(await storage.getStudyIdByName(n))));
  const studies = [];
  for (const record of wanted) studies.push({ record, trials: await storage.getAllTrials(record.studyId) });
  const lines = journalLines(studies);
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

export interface ImportedStudy {
  readonly studyName: string;
  readonly trials: number;
}

/**
 * Replays an Optuna journal and writes each of its studies into `storage` through the storage
 * contract: same names, directions, attributes, trial numbers, states, params, values, intermediate
 * values and attributes. Start and completion times become the import's own (the contract stamps
 * them). Every name is checked before anything is written, so a clash leaves the storage untouched.
 */
export async function importOptunaJournal(storage: Storage, text: string): Promise<ImportedStudy[]> {
  const studies = replayJournal(text);
  const existing = new Set((await storage.getAllStudies()).map((s) => s.studyName));
  for (const s of studies) {
    if (existing.has(s.studyName)) throw new DuplicatedStudyError(`study "${s.studyName}" is already in the storage`);
  }
  const out: ImportedStudy[] = [];
  for (const s of studies) {
    const studyId = await storage.createStudy(s.studyName, s.directions);
    for (const [k, v] of Object.entries(s.userAttrs)) await storage.setStudyUserAttr(studyId, k, v);
    for (const [k, v] of Object.entries(s.systemAttrs)) await storage.setStudySystemAttr(studyId, k, v);
    for (const t of s.trials) {
      const created = await storage.createTrial(studyId, {
        state: t.state === 'WAITING' ? 'WAITING' : 'RUNNING',
        params: t.params,
        distributions: t.distributions,
        userAttrs: t.userAttrs,
        systemAttrs: t.systemAttrs,
      });
      if (created === null) throw new StorageError(`the storage refused trial ${t.number} of "${s.studyName}"`);
      for (const [step, v] of [...t.intermediateValues].sort(([a], [b]) => a - b)) {
        await storage.setTrialIntermediateValue(created.trialId, step, v);
      }
      if (t.state !== 'RUNNING' && t.state !== 'WAITING')
        await storage.setTrialState(created.trialId, t.state, t.values);
    }
    out.push({ studyName: s.studyName, trials: s.trials.length });
  }
  return out;
}
