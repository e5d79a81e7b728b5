// The fingerprint of src/ that a compiled build records and bin/hermes.js compares: every file's
// path, size and modification time. Any edit, checkout, added or deleted file changes it, so a
// build that no longer matches its sources is never run.
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The stamp of `<root>/src`, or undefined when there is no src/ (a build shipped without it). */
export function sourceStamp(root) {
  const src = join(root, 'src');
  let entries;
  try {
    entries = readdirSync(src, { recursive: true, withFileTypes: true });
  } catch {
    return undefined;
  }
  const lines = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const stat = statSync(path);
    lines.push(`${relative(src, path)}\t${stat.size}\t${stat.mtimeMs}`);
  }
  return createHash('sha256').update(lines.sort().join('\n')).digest('hex');
}
