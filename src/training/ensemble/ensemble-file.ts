import { existsSync, promises as fsp } from 'node:fs';
import { join } from 'node:path';

import { InvalidArgumentError, TfjsTuneError } from '../../errors';
import { writeFilesAtomically } from '../checkpoint/atomic-write';
import { MODEL_FILE, WEIGHTS_FILE } from '../checkpoint/format';
import { loadCheckpoint, saveCheckpoint } from '../checkpoint/save-load';
import { disposeModel } from '../dispose-model';
import { EnsembleModel, type EnsembleInfo, type EnsembleMember } from './ensemble-model';

/** The file that makes a folder an ensemble: the members' folders and weights, and how it was chosen. */
export const ENSEMBLE_FILE = 'ensemble.json';
const FORMAT = 'tfjs-tune-ensemble';
const VERSION = 1;

interface EnsembleJson {
  readonly format: typeof FORMAT;
  readonly version: number;
  readonly members: readonly { readonly trial: number; readonly weight: number; readonly path: string }[];
  readonly info: EnsembleInfo;
  /** The folder holding the whole ensemble as one checkpoint (`toLayersModel`). */
  readonly graph: string;
}

const memberFolder = (trial: number): string => `member_trial_${trial}`;
/** The ensemble as one model, a checkpoint folder like a trial's. */
export const ENSEMBLE_GRAPH_FOLDER = 'graph';

/**
 * Copies the side files of a member's checkpoint (anything beside model.json and weights.bin, such
 * as a preprocessing pipeline) into the graph's folder: every member was trained on the same data.
 */
async function copySideFiles(from: string, to: string): Promise<void> {
  for (const name of await fsp.readdir(from)) {
    if (name === MODEL_FILE || name === WEIGHTS_FILE || name.startsWith('.')) continue;
    await fsp.cp(join(from, name), join(to, name), { recursive: true });
  }
}

/** Whether `dir` holds a saved ensemble (an `ensemble.json`), as opposed to a single checkpoint. */
export function isEnsembleDir(dir: string): boolean {
  return existsSync(join(dir, ENSEMBLE_FILE));
}

/**
 * Saves an ensemble to `dir`: each member as a checkpoint folder `member_trial_<n>/` (its source
 * checkpoint copied whole, with any side files it has; else saved from the live model without
 * optimiser state); the whole ensemble as one model in `graph/`, a checkpoint like a trial's (with
 * the first member's side files), which `loadCheckpoint` or `tf.loadLayersModel` opens; then
 * `ensemble.json` with the weights, written last so a reader never sees a half-saved ensemble.
 */
export async function saveEnsemble(ensemble: EnsembleModel, dir: string): Promise<void> {
  if (typeof dir !== 'string' || dir.length === 0)
    throw new InvalidArgumentError('saveEnsemble(dir)', dir, 'a directory path');
  await fsp.mkdir(dir, { recursive: true });
  const members: EnsembleJson['members'][number][] = [];
  for (const member of ensemble.members) {
    const path = memberFolder(member.trial);
    const target = join(dir, path);
    await fsp.rm(target, { recursive: true, force: true });
    if (member.checkpoint !== null && existsSync(join(member.checkpoint, MODEL_FILE)))
      await fsp.cp(member.checkpoint, target, { recursive: true });
    else await saveCheckpoint(member.model, target, { includeOptimizer: false, metadata: { trial: member.trial } });
    members.push({ trial: member.trial, weight: member.weight, path });
  }
  const graphDir = join(dir, ENSEMBLE_GRAPH_FOLDER);
  await fsp.rm(graphDir, { recursive: true, force: true });
  const graph = await ensemble.toLayersModel();
  try {
    await saveCheckpoint(graph, graphDir, {
      includeOptimizer: false,
      metadata: { ensemble: members.map((m) => m.trial) },
    });
  } finally {
    disposeModel(graph);
  }
  await copySideFiles(join(dir, (members[0] as EnsembleJson['members'][number]).path), graphDir);
  const json: EnsembleJson = {
    format: FORMAT,
    version: VERSION,
    members,
    info: ensemble.info,
    graph: ENSEMBLE_GRAPH_FOLDER,
  };
  await writeFilesAtomically(dir, [{ name: ENSEMBLE_FILE, data: `${JSON.stringify(json, null, 2)}\n` }]);
}

function parseEnsembleJson(file: string, text: string): EnsembleJson {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new TfjsTuneError(`${file}: malformed JSON (${(e as Error).message})`);
  }
  const obj = raw as Partial<EnsembleJson> | null;
  if (obj === null || typeof obj !== 'object' || obj.format !== FORMAT)
    throw new TfjsTuneError(`${file}: expected { format: "${FORMAT}", version, members, info }`);
  if (typeof obj.version !== 'number' || obj.version > VERSION)
    throw new TfjsTuneError(`${file}: ensemble format version ${String(obj.version)}; this tfjs-tune reads ${VERSION}`);
  const isMember = (m: unknown): boolean => {
    const r = m as Record<string, unknown> | null;
    return (
      r !== null &&
      typeof r === 'object' &&
      Number.isInteger(r['trial']) &&
      typeof r['weight'] === 'number' &&
      typeof r['path'] === 'string' &&
      !r['path'].includes('..') &&
      !r['path'].startsWith('/')
    );
  };
  const ok = Array.isArray(obj.members) && obj.members.length > 0 && (obj.members as unknown[]).every(isMember);
  if (!ok) throw new TfjsTuneError(`${file}: expected "members", a non-empty list of { trial, weight, path }`);
  if (obj.info === undefined || typeof obj.info !== 'object')
    throw new TfjsTuneError(`${file}: expected "info", how the ensemble was chosen`);
  return obj as EnsembleJson;
}

/**
 * Loads an ensemble saved by `tune.ensemble.save`: every member's checkpoint, for inference
 * (uncompiled). A missing or malformed file is an error naming it.
 */
export async function loadEnsemble(dir: string): Promise<EnsembleModel> {
  const file = join(dir, ENSEMBLE_FILE);
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch {
    throw new TfjsTuneError(`${file}: not found; expected a folder written by saveEnsemble`);
  }
  const json = parseEnsembleJson(file, text);
  const members: EnsembleMember[] = [];
  try {
    for (const m of json.members) {
      const checkpoint = join(dir, m.path);
      const { model } = await loadCheckpoint(checkpoint, { compile: false });
      members.push({ trial: m.trial, weight: m.weight, model, checkpoint });
    }
    return new EnsembleModel(members, json.info);
  } catch (e) {
    for (const m of members) disposeModel(m.model);
    throw e;
  }
}
