import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../support/free-port.ts';
import { git } from '../../support/git.ts';

const repository = fileURLToPath(new URL('../../..', import.meta.url));

export interface ConfigParts {
  health?: string;
  load?: string;
  /** Gates switched off (`gates.overrides`). */
  disabled?: readonly string[];
  /**
   * `quick` (the default) leaves out the post-deploy gates that take a browser or a sampling
   * window, which the pipeline test runs in full (`all`): every other deploy test runs only the
   * post-deploy stage's database gates.
   */
  postDeploy?: 'all' | 'quick';
  /** Further YAML lines under `gates:` (custom gates), indented two spaces. */
  gates?: readonly string[];
}

/** The post-deploy gates a `quick` post-deploy stage leaves out. */
export const slowPostDeployGates = [
  'e2e.contact-form',
  'security.production',
  'perf.response-times',
  'perf.resources',
] as const;

export interface DeploySource {
  /** A git checkout of Hermes's sources (src, migrations, package.json), node_modules linked. */
  dir: string;
  /** The local target's directory (nginx prefix, releases, state). */
  stateDir: string;
  backupsDir: string;
  publicUrl: string;
  ports: { public: number; blue: number; green: number };
  /** Adds a file and commits it: the next release. */
  commit(path: string, content: string, message: string): void;
  remove(path: string, message: string): void;
  /** Writes hermes.yaml (not committed): the base settings, with the deploy steps' thresholds given. */
  writeConfig(steps?: ConfigParts): void;
  cleanup(): void;
}

export interface DeploySourceOptions {
  /**
   * Also bin/ and this repository's npm scripts that `scripts/deploy.sh` runs (`npm run deploy:api`
   * and the like, each `node bin/hermes.js ...`), so the spec's script runs in the source.
   */
  npmScripts?: boolean;
}

/**
 * The package.json scripts scripts/deploy.sh (§5.2) and scripts/post-deployment-validation.sh
 * (§5.3) run, and the build deploy:api releases.
 */
const deployScripts = [
  'build:production',
  'db:migrate:production',
  'deploy:api',
  'health:check:deployment',
  'test:load:deployment',
  'test:e2e:production',
  'monitor:performance',
  'security:scan:production',
  'db:validate:data',
];

function repositoryScripts(names: readonly string[]): Record<string, string> {
  const { scripts } = JSON.parse(readFileSync(join(repository, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  return Object.fromEntries(
    names.map((name) => {
      const script = scripts[name];
      if (script === undefined) throw new Error(`package.json has no script ${name}`);
      return [name, script];
    }),
  );
}

/**
 * A source to deploy, as a team would have it: a copy of this repository's sources in a git
 * checkout of its own, with a hermes.yaml pointing the local target at free ports and temp dirs.
 */
export async function createDeploySource(
  version = '1.0.0',
  options: DeploySourceOptions = {},
): Promise<DeploySource> {
  const root = mkdtempSync(join(tmpdir(), 'hermes-deploy-'));
  const dir = join(root, 'source');
  for (const path of ['src', 'migrations', 'tsconfig.json', ...(options.npmScripts ? ['bin'] : [])])
    cpSync(join(repository, path), join(dir, path), { recursive: true });
  const pkg = {
    name: 'hermes-under-test',
    version,
    type: 'module',
    private: true,
    ...(options.npmScripts ? { scripts: repositoryScripts(deployScripts) } : {}),
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  symlinkSync(join(repository, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, '.gitignore'), 'node_modules\ndist/\nreports/\nhermes.yaml\n');
  const ports = { public: await freePort(), blue: await freePort(), green: await freePort() };
  const stateDir = join(root, 'state');
  const backupsDir = join(root, 'backups');
  const writeConfig = (steps: ConfigParts = {}) => {
    const disabled = [
      ...(steps.disabled ?? []),
      ...((steps.postDeploy ?? 'quick') === 'quick' ? slowPostDeployGates : []),
    ];
    writeFileSync(
      join(dir, 'hermes.yaml'),
      [
        'deploy:',
        '  local:',
        `    dir: ${stateDir}`,
        `    port: ${String(ports.public)}`,
        `    ports: { blue: ${String(ports.blue)}, green: ${String(ports.green)} }`,
        '    readyTimeout: 30s',
        'backup:',
        `  dir: ${backupsDir}`,
        'gates:',
        ...(disabled.length > 0
          ? ['  overrides:', ...disabled.map((id) => `    ${id}: { enabled: false }`)]
          : []),
        ...(steps.gates ?? []),
        '  reports:',
        `    dir: ${join(root, 'reports')}`,
        '  thresholds:',
        '    deploy:',
        `      health: ${steps.health ?? '{ deadline: 20s, interval: 200ms }'}`,
        `      load: ${steps.load ?? '{ duration: 2s, connections: 2, memorySampleInterval: 200ms, maxHeapGrowthMb: 500, p95Ms: 10000 }'}`,
        // The post-deploy stage's monitors over a short window.
        '    perf:',
        '      responseTimes: { window: 2s, sampleInterval: 500ms }',
        '      resources: { window: 2s, sampleInterval: 200ms, maxHeapGrowthMb: 500, maxHandleGrowth: 200 }',
        '',
      ].join('\n'),
    );
  };
  writeConfig();
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'v1');
  return {
    dir,
    stateDir,
    backupsDir,
    publicUrl: `http://127.0.0.1:${String(ports.public)}`,
    ports,
    commit(path, content, message) {
      writeFileSync(join(dir, path), content);
      git(dir, 'add', '-A');
      git(dir, 'commit', '-q', '-m', message);
    },
    remove(path, message) {
      rmSync(join(dir, path));
      git(dir, 'add', '-A');
      git(dir, 'commit', '-q', '-m', message);
    },
    writeConfig,
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
