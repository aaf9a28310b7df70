import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

/** Where and how {@link startThrowawayPostgres} runs its server. */
export interface ThrowawayPostgresOptions {
  /** The address it listens on (default 127.0.0.1). */
  readonly host?: string;
  /** The TCP port (default: a free one on `host`, found by asking the OS). */
  readonly port?: number;
  /** Runs every server command under this prefix, e.g. `['ip', 'netns', 'exec', 'db-host']`. */
  readonly commandPrefix?: readonly string[];
  /** Lines for pg_hba.conf before the closing `host all all all trust` (e.g. a password rule). */
  readonly hbaLines?: readonly string[];
  /** Default 200: multi-process tests open a pool per process. */
  readonly maxConnections?: number;
}

/** A running throwaway PostgreSQL server. */
export interface ThrowawayPostgres {
  readonly host: string;
  readonly port: number;
  /** `postgres://postgres@host:port/database` (trust authentication: no password). */
  url(database?: string): string;
  /**
   * The URL through the server's Unix socket: reaches it from any network namespace of this
   * machine (the multi-host tests check results this way while the TCP link is theirs to cut).
   */
  socketUrl(database?: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): string;
  /** Runs one SQL command as the superuser through `psql` (set-up only: roles, databases). */
  psql(sql: string, database?: string): string;
  /** Stops the server at once and removes its folder. Safe to call twice. */
  stop(): void;
}

/** The folder of Debian's PostgreSQL binaries (newest major first), or '' to use PATH. */
function binDir(): string {
  const fromEnv = process.env['TFJS_TUNE_PG_BIN'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const root = '/usr/lib/postgresql';
  if (fs.existsSync(root)) {
    const majors = fs
      .readdirSync(root)
      .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (majors[0] !== undefined) return path.join(root, majors[0], 'bin');
  }
  return '';
}

/** PostgreSQL refuses to run as root: as root, commands run as the `postgres` user via runuser. */
function runAsPrefix(): { prefix: string[]; uid: number; gid: number } | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  let uid: number;
  let gid: number;
  try {
    uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  } catch {
    throw new Error(
      'PostgreSQL will not run as root and there is no "postgres" user to run it as: create one (useradd --system postgres) or run as a non-root user',
    );
  }
  return { prefix: ['runuser', '-u', 'postgres', '--'], uid, gid };
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a PostgreSQL server of its own for a test: `initdb` into a new temporary folder, then
 * `pg_ctl start` on a loopback port (and a socket in that folder), with durability switched off
 * for speed. It is a real server (no mock), run as a non-root user; `stop()` removes every trace.
 *
 * @example
 * ```ts
 * const pg = await startThrowawayPostgres();
 * afterAll(() => pg.stop());
 * const storage = new PostgresStorage(pg.createDatabase('t1'));
 * ```
 */
export async function startThrowawayPostgres(options: ThrowawayPostgresOptions = {}): Promise<ThrowawayPostgres> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (await freePort(host));
  const bin = binDir();
  const tool = (name: string): string => (bin === '' ? name : path.join(bin, name));
  const runAs = runAsPrefix();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-tune-pg-'));
  const data = path.join(dir, 'data');
  if (runAs !== null) fs.chownSync(dir, runAs.uid, runAs.gid);
  const exec = (cmd: string, args: readonly string[]): string => {
    const full = [...(options.commandPrefix ?? []), ...(runAs?.prefix ?? []), cmd, ...args];
    return execFileSync(full[0] as string, full.slice(1), { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
  };
  let started = false;
  const stop = (): void => {
    if (started) {
      started = false;
      try {
        exec(tool('pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already gone (killed with its namespace, say): the folder still goes below
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    exec(tool('initdb'), [
      '-D',
      data,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--no-sync',
      '--no-instructions',
    ]);
    fs.appendFileSync(
      path.join(data, 'postgresql.conf'),
      [
        `listen_addresses = '${host}'`,
        `port = ${port}`,
        `unix_socket_directories = '${dir}'`,
        `max_connections = ${options.maxConnections ?? 200}`,
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        "log_min_messages = 'warning'",
        '',
      ].join('\n'),
    );
    fs.writeFileSync(
      path.join(data, 'pg_hba.conf'),
      ['local all all trust', ...(options.hbaLines ?? []), 'host all all all trust', ''].join('\n'),
    );
    exec(tool('pg_ctl'), ['-D', data, '-l', path.join(dir, 'server.log'), '-w', '-t', '60', 'start']);
    started = true;
  } catch (e) {
    const log = path.join(dir, 'server.log');
    const tail = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').slice(-2000) : '';
    const stderr = (e as { stderr?: unknown }).stderr;
    const stderrText = typeof stderr === 'string' ? stderr : '';
    stop();
    throw new Error(`could not start a throwaway PostgreSQL: ${(e as Error).message}\n${stderrText}\n${tail}`);
  }
  const url = (database = 'postgres'): string => `postgres://postgres@${host}:${port}/${database}`;
  const psql = (sql: string, database = 'postgres'): string =>
    exec(tool('psql'), [
      '-h',
      dir,
      '-p',
      String(port),
      '-U',
      'postgres',
      '-d',
      database,
      '-v',
      'ON_ERROR_STOP=1',
      '-Atc',
      sql,
    ]);
  return {
    host,
    port,
    url,
    socketUrl: (database = 'postgres'): string =>
      `postgres://postgres@localhost:${port}/${database}?host=${encodeURIComponent(dir)}`,
    psql,
    createDatabase: (name: string): string => {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name "${name}": use [a-z0-9_]`);
      psql(`CREATE DATABASE ${name}`);
      return url(name);
    },
    stop,
  };
}
