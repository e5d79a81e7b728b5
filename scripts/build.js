// `npm run build`: compiles src/ into dist/ with tsc and records the sources' stamp, so that
// bin/hermes.js runs the build (fast start-up) only while it matches src/ exactly.
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceStamp } from '../bin/source-stamp.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
// Taken before compiling: a file edited during the build makes the stamp stale, not the build.
const stamp = sourceStamp(root);
rmSync(dist, { recursive: true, force: true });
const tsc = spawnSync(
  process.execPath,
  [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')],
  {
    stdio: 'inherit',
  },
);
if (tsc.status !== 0) {
  // tsc emits even on type errors; a build that does not type-check must not be run.
  rmSync(dist, { recursive: true, force: true });
  process.exit(tsc.status ?? 1);
}
cpSync(join(root, 'src/intake/assets'), join(dist, 'intake/assets'), { recursive: true });
writeFileSync(
  join(dist, 'build-info.json'),
  `${JSON.stringify({ sourceStamp: stamp, builtAt: new Date().toISOString() }, null, 2)}\n`,
);
