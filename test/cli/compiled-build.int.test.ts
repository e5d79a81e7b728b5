import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hermesVersion } from '../../src/observability/version.ts';
import { cleanEnv } from '../support/run-cli.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const marker = 'ran-the-compiled-build';

// A copy of the repository's build inputs, so building never touches this checkout's dist/, which
// concurrent CLI tests may be running.
function copyProject(): string {
  const root = mkdtempSync(join(tmpdir(), 'hermes-build-'));
  for (const path of ['bin', 'scripts', 'src', 'package.json', 'tsconfig.json', 'tsconfig.build.json'])
    cpSync(join(repo, path), join(root, path), { recursive: true });
  symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'));
  return root;
}

function run(root: string, args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, args, {
    cwd: root,
    env: { ...cleanEnv(), ...env },
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('bin/hermes.js runs the compiled build only while it matches src/', () => {
  let root: string;
  beforeAll(() => {
    root = copyProject();
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('a build of sources that do not type-check leaves no dist/ behind', () => {
    const broken = join(root, 'src/observability/version.ts');
    const original = readFileSync(broken, 'utf8');
    writeFileSync(broken, `${original}\nexport const wrong: number = 'a string';\n`);
    try {
      const build = run(root, ['scripts/build.js']);
      expect(build.code).not.toBe(0);
      expect(build.stdout + build.stderr).toContain('TS2322');
      expect(existsSync(join(root, 'dist'))).toBe(false);
    } finally {
      writeFileSync(broken, original);
    }
  }, 240_000);

  it('uses dist/ after a build, the sources after an edit or with HERMES_FROM_SOURCE=1', () => {
    const build = run(root, ['scripts/build.js']);
    expect(build.code, build.stdout + build.stderr).toBe(0);
    expect(existsSync(join(root, 'dist/intake/assets'))).toBe(true);
    // A line only the compiled entry prints: proves which code ran, not just that something did.
    appendFileSync(join(root, 'dist/cli/main.js'), `\nprocess.stderr.write('${marker}\\n');\n`);

    const built = run(root, ['bin/hermes.js', '--version']);
    expect(built.code).toBe(0);
    expect(built.stdout.trim()).toBe(hermesVersion);
    expect(built.stderr).toContain(marker);

    const forced = run(root, ['bin/hermes.js', '--version'], { HERMES_FROM_SOURCE: '1' });
    expect(forced.code).toBe(0);
    expect(forced.stderr).not.toContain(marker);

    const later = new Date(Date.now() + 5_000);
    utimesSync(join(root, 'src/cli/program.ts'), later, later);
    const edited = run(root, ['bin/hermes.js', '--version']);
    expect(edited.code).toBe(0);
    expect(edited.stdout.trim()).toBe(built.stdout.trim());
    expect(edited.stderr).not.toContain(marker);

    writeFileSync(join(root, 'src/added-after-the-build.ts'), 'export {};\n');
    utimesSync(join(root, 'src/cli/program.ts'), new Date(0), new Date(0));
    // The sources ran, and ran well: a crash would not print the marker either.
    const added = run(root, ['bin/hermes.js', '--version']);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout.trim()).toBe(hermesVersion);
    expect(added.stderr).not.toContain(marker);
  }, 240_000);
});
