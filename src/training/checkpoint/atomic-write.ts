import { promises as fsp } from 'node:fs';
import * as path from 'node:path';

/** One file of a set written together. */
export interface FileContent {
  readonly name: string;
  readonly data: Uint8Array | string;
}

async function writeSynced(file: string, data: Uint8Array | string): Promise<void> {
  const handle = await fsp.open(file, 'w');
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let offset = 0;
    while (offset < bytes.byteLength) {
      const { bytesWritten } = await handle.write(bytes, offset, bytes.byteLength - offset);
      offset += bytesWritten;
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await fsp.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some platforms (Windows) cannot open or fsync a directory; the renames are still atomic.
  }
}

/**
 * Writes `files` into `dir` so that no reader ever sees a half-written file: each goes to a
 * temporary file in the same directory, is fsynced, and is then renamed over its final name, in the
 * order given (put the file that commits the set — the manifest — last); the directory is fsynced
 * after the renames. Temporary files are removed if anything fails.
 */
export async function writeFilesAtomically(dir: string, files: readonly FileContent[]): Promise<void> {
  await fsp.mkdir(dir, { recursive: true });
  const tag = `${process.pid}.${process.hrtime.bigint().toString(36)}`;
  const temps = files.map((f) => path.join(dir, `.${f.name}.${tag}.tmp`));
  try {
    for (let i = 0; i < files.length; i++) await writeSynced(temps[i] as string, (files[i] as FileContent).data);
    for (let i = 0; i < files.length; i++) {
      await fsp.rename(temps[i] as string, path.join(dir, (files[i] as FileContent).name));
    }
    await syncDirectory(dir);
  } catch (e) {
    await Promise.all(temps.map((t) => fsp.rm(t, { force: true })));
    throw e;
  }
}
