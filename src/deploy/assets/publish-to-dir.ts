import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A file to publish: its versioned name and its bytes. */
export interface PublishedFile {
  readonly file: string;
  readonly body: Buffer;
}

export interface DirPublication {
  /** Written now: new to the directory. */
  written: string[];
  /** Already there with these bytes: left as it was. */
  kept: string[];
  /** There with other bytes under this release's name (altered): written over with the right ones. */
  replaced: string[];
}

function existing(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch {
    return null;
  }
}

/**
 * Copies versioned files into `dir`, each through a temporary file and a rename, so whoever serves
 * the directory never sees half a file. Nothing is ever deleted: the previous release's pages, in
 * browsers and caches, still load their own assets.
 */
export function publishToDir(dir: string, files: readonly PublishedFile[]): DirPublication {
  mkdirSync(dir, { recursive: true });
  const done: DirPublication = { written: [], kept: [], replaced: [] };
  for (const { file, body } of files) {
    const path = join(dir, file);
    const before = existing(path);
    if (before?.equals(body)) {
      done.kept.push(file);
      continue;
    }
    const temporary = join(dir, `.${file}.${String(process.pid)}.tmp`);
    try {
      writeFileSync(temporary, body);
      renameSync(temporary, path);
    } finally {
      // Gone after a rename; after a failed write or rename, not left for the server to list.
      rmSync(temporary, { force: true });
    }
    (before === null ? done.written : done.replaced).push(file);
  }
  return done;
}
