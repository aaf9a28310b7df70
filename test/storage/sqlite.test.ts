import Database from 'better-sqlite3';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { InvalidArgumentError, StorageError } from '../../src/errors';
import { CategoricalDistribution, FloatDistribution } from '../../src/space/distributions';
import { SqliteStorage } from '../../src/storage/sqlite';
import { SCHEMA_VERSION, VERSION_TABLE } from '../../src/storage/sqlite-schema';
import { describeStorageContract } from '../../src/testing';

describeStorageContract('SqliteStorage', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-tune-sqlite-'));
  const storage = new SqliteStorage(path.join(dir, 'study.db'));
  return {
    storage,
    cleanup: async () => {
      await storage.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('SqliteStorage on disk', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-tune-sqlite-'));
    file = path.join(dir, 'study.db');
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a new SqliteStorage on the same file sees everything', async () => {
    const a = new SqliteStorage(file);
    const studyId = await a.createStudy('persist', ['minimize', 'maximize']);
    await a.setStudyUserAttr(studyId, 'note', { k: [1, 2] });
    await a.setStudySystemAttr(studyId, 'sampler', 'tpe');
    const t0 = await a.createTrial(studyId, { userAttrs: { u: 'v' } });
    const t1 = await a.createTrial(studyId, {
      state: 'WAITING',
      params: { c: true },
      distributions: { c: new CategoricalDistribution([true, false]) },
    });
    if (t0 === null || t1 === null) throw new Error('trial not created');
    await a.setTrialParam(t0.trialId, 'lr', 0.001, new FloatDistribution(1e-4, 1, true));
    await a.setTrialParam(t0.trialId, 'act', null, new CategoricalDistribution(['relu', null]));
    await a.setTrialIntermediateValue(t0.trialId, 0, NaN);
    await a.setTrialIntermediateValue(t0.trialId, 1, 0.5);
    await a.setTrialSystemAttr(t0.trialId, 's', [null]);
    await a.setTrialState(t0.trialId, 'COMPLETE', [-Infinity, Infinity]);
    const before = await a.getAllTrials(studyId);
    const studyBefore = await a.getStudy(studyId);
    await a.close();

    const b = new SqliteStorage(file);
    expect(await b.getStudyIdByName('persist')).toBe(studyId);
    expect(await b.getStudy(studyId)).toEqual(studyBefore);
    const after = await b.getAllTrials(studyId);
    expect(after.map((t) => t.toJSON())).toEqual(before.map((t) => t.toJSON()));
    expect(after[0]?.values).toEqual([-Infinity, Infinity]);
    expect(after[0]?.intermediateValues.get(0)).toBeNaN();
    expect(after[0]?.datetimeStart).toEqual(before[0]?.datetimeStart);
    expect((await b.claimWaitingTrial(studyId))?.params).toEqual({ c: true });
    expect((await b.createTrial(studyId))?.number).toBe(2);
    await b.close();
  });

  it('opens in WAL mode with a versioned schema', async () => {
    await new SqliteStorage(file).close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const row = db.prepare(`SELECT schema_version FROM ${VERSION_TABLE}`).get() as { schema_version: number };
    expect(row.schema_version).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('refuses a file whose schema is newer than the code', async () => {
    await new SqliteStorage(file).close();
    const db = new Database(file);
    db.prepare(`UPDATE ${VERSION_TABLE} SET schema_version = ?`).run(SCHEMA_VERSION + 1);
    db.close();
    expect(() => new SqliteStorage(file)).toThrow(StorageError);
    expect(() => new SqliteStorage(file)).toThrow(
      `schema version ${SCHEMA_VERSION + 1}, newer than the ${SCHEMA_VERSION}`,
    );
  });

  it('refuses files that are not tfjs-tune databases', () => {
    fs.writeFileSync(file, 'this is not sqlite, just some bytes that are long enough to have a header.'.repeat(20));
    expect(() => new SqliteStorage(file)).toThrow(StorageError);
    const other = path.join(dir, 'other.db');
    const db = new Database(other);
    db.exec('CREATE TABLE version_info (schema_version INTEGER)');
    db.close();
    expect(() => new SqliteStorage(other)).toThrow(/not a tfjs-tune database/);
    expect(() => new SqliteStorage(path.join(dir, 'missing-dir', 'x.db'))).toThrow(StorageError);
  });

  it('validates its options', () => {
    expect(() => new SqliteStorage(file, { busyTimeoutMs: -1 })).toThrow(InvalidArgumentError);
  });
});
