import { Client } from 'pg';
import { PostgresStorage } from '../../src/storage/postgres';
import { PG_SCHEMA_VERSION, PG_VERSION_TABLE } from '../../src/storage/postgres-schema';
import { redactStorageUrl } from '../../src/storage/postgres-url';
import { storageFromUrl } from '../../src/storage/from-url';
import { describeStorageContract } from '../../src/testing';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../../src/testing/postgres-server';

// One real server for the file, one fresh database per test (CREATE DATABASE copies template1: fast).
let pg: ThrowawayPostgres;
let databases = 0;
beforeAll(async () => {
  pg = await startThrowawayPostgres({ hbaLines: ['host all tfjs_pw all scram-sha-256'] });
  pg.psql("CREATE ROLE tfjs_pw LOGIN PASSWORD 'right-pass'");
  pg.psql('CREATE DATABASE pw_db OWNER tfjs_pw');
});
afterAll(() => pg?.stop());

function freshUrl(): string {
  return pg.createDatabase(`t${++databases}`);
}

describeStorageContract('PostgresStorage', async () => {
  const storage = new PostgresStorage(freshUrl());
  return { storage, cleanup: () => storage.close() };
});

describe('PostgresStorage on a real server', () => {
  it('creates a versioned schema with indexes on what the queries filter by', async () => {
    const url = freshUrl();
    const storage = new PostgresStorage(url);
    await storage.getAllStudies();
    await storage.close();
    const client = new Client({ connectionString: url });
    await client.connect();
    const version = await client.query(`SELECT schema_version FROM ${PG_VERSION_TABLE}`);
    expect(version.rows).toEqual([{ schema_version: PG_SCHEMA_VERSION }]);
    const indexes = await client.query<{ indexdef: string }>(
      "SELECT indexdef FROM pg_indexes WHERE tablename = 'trials'",
    );
    const defs = indexes.rows.map((r) => r.indexdef).join('\n');
    expect(defs).toMatch(/\(study_id, number\)/);
    expect(defs).toMatch(/\(study_id, state, number\)/);
    await client.end();
  });

  it('several storages migrating one new database at once make one schema', async () => {
    const url = freshUrl();
    const storages = [0, 1, 2, 3].map(() => new PostgresStorage(url));
    const ids = await Promise.all(storages.map((s, i) => s.createStudy(`s${i}`, ['minimize'])));
    expect(new Set(ids).size).toBe(4);
    await Promise.all(storages.map((s) => s.close()));
  });

  it('refuses a database whose schema is newer than the code', async () => {
    const url = freshUrl();
    await new PostgresStorage(url).getAllStudies();
    const client = new Client({ connectionString: url });
    await client.connect();
    await client.query(`UPDATE ${PG_VERSION_TABLE} SET schema_version = 99`);
    await client.end();
    const storage = new PostgresStorage(url);
    await expect(storage.getAllStudies()).rejects.toThrow(/schema version 99, newer than/);
    await storage.close();
  });

  it('storageFromUrl opens postgres:// URLs', async () => {
    const storage = storageFromUrl(freshUrl());
    expect(storage).toBeInstanceOf(PostgresStorage);
    expect(await storage.createStudy('via-url', ['maximize'])).toEqual(expect.any(Number));
    await storage.close();
  });

  describe('connection failures name host and database, never a password', () => {
    const secret = 'hunter2-very-secret';
    const saved = process.env['PGPASSWORD'];
    afterEach(() => {
      if (saved === undefined) delete process.env['PGPASSWORD'];
      else process.env['PGPASSWORD'] = saved;
    });

    async function failure(url: string): Promise<string> {
      const storage = new PostgresStorage(url, { retryForMs: 0 });
      try {
        await storage.getAllStudies();
      } catch (e) {
        return `${String(e)}\n${(e as Error).stack ?? ''}`;
      } finally {
        await storage.close();
      }
      throw new Error('expected a failure');
    }

    it('a wrong password in the URL', async () => {
      const message = await failure(`postgres://tfjs_pw:${secret}@127.0.0.1:${pg.port}/postgres`);
      expect(message).toMatch(/StorageError/);
      expect(message).toMatch(/host "127\.0\.0\.1", database "postgres"/);
      expect(message).toMatch(/password authentication failed/);
      expect(message).not.toContain(secret);
    });

    it('a wrong password from PGPASSWORD', async () => {
      process.env['PGPASSWORD'] = secret;
      const message = await failure(`postgres://tfjs_pw@127.0.0.1:${pg.port}/postgres`);
      expect(message).toMatch(/password authentication failed/);
      expect(message).not.toContain(secret);
    });

    it('no server on the port', async () => {
      const message = await failure(`postgres://tfjs_pw:${secret}@127.0.0.1:1/studies`);
      expect(message).toMatch(/host "127\.0\.0\.1", database "studies"/);
      expect(message).toMatch(/ECONNREFUSED/);
      expect(message).not.toContain(secret);
    });

    it('the right password works, and URLs print redacted', async () => {
      const url = `postgres://tfjs_pw:right-pass@127.0.0.1:${pg.port}/pw_db`;
      const storage = new PostgresStorage(url);
      expect(storage.description).toBe(`postgres://tfjs_pw@127.0.0.1:${pg.port}/pw_db`);
      expect(await storage.createStudy('with-password', ['minimize'])).toEqual(expect.any(Number));
      await storage.close();
      expect(redactStorageUrl(url)).toBe(`postgres://tfjs_pw:***@127.0.0.1:${pg.port}/pw_db`);
    });
  });
});
