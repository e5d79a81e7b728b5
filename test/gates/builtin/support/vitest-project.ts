import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { makeProject } from './gate-context.ts';

/**
 * vitest's two projects, `unit` (unit/*.test.js) and `integration` (int/*.test.js); globals, so
 * the fixtures' tests need no import from /tmp.
 */
export const twoProjectVitestConfig = `export default {
  test: {
    globals: true,
    projects: [
      { extends: true, test: { name: 'unit', include: ['unit/*.test.js'] } },
      { extends: true, test: { name: 'integration', include: ['int/*.test.js'] } },
    ],
  },
};
`;

export interface VitestProjectOptions {
  /** Write the vitest config (default true): without it the repository does not use vitest. */
  vitest?: boolean;
  /** Date every given file a minute back, so a results file written now is newer without waiting. */
  backdate?: boolean;
}

/** Temporary ESM projects with the two-project vitest config; `removeAll` in the file's afterAll. */
export function vitestProjects(): {
  project(files: Record<string, string>, options?: VitestProjectOptions): string;
  removeAll(): void;
} {
  const made: { remove: () => void }[] = [];
  return {
    project(files, { vitest = true, backdate = false } = {}) {
      const fixture = makeProject({
        ...(vitest ? { 'vitest.config.mjs': twoProjectVitestConfig } : {}),
        'package.json': '{ "type": "module" }\n',
        ...files,
      });
      made.push(fixture);
      if (backdate) {
        const past = new Date(Date.now() - 60_000);
        for (const path of Object.keys(files)) utimesSync(join(fixture.dir, path), past, past);
      }
      return fixture.dir;
    },
    removeAll() {
      for (const fixture of made.splice(0)) fixture.remove();
    },
  };
}
