// npx tsx bench/cli-startup/run.ts [runs]: how long `hermes` takes to start, against the runtime's
// own start. Every CI step and every CLI test pays this, so `--help` and light commands must cost
// little more than `node --import tsx -e ''` (aim: under 2× the bare tsx start). Measured from the
// sources (tsx) and, when `npm run build` has made one that matches them, from the compiled build.
// Max RSS comes from GNU time (/usr/bin/time) when present; wall time is measured here.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sourceStamp } from '../../bin/source-stamp.js';

interface Subject {
  label: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

interface Sample {
  ms: number;
  rssKb: number | undefined;
}

const runs = Number(process.argv[2] ?? process.env.BENCH_RUNS ?? 10);
const gnuTime = '/usr/bin/time';
const hasGnuTime = existsSync(gnuTime);
const scratch = mkdtempSync(join(tmpdir(), 'hermes-cli-startup-'));

// `config print` reads this repository's hermes.yaml, not one the reader's shell points at.
const { HERMES_CONFIG: _ignored, NODE_OPTIONS: _none, ...env } = process.env;

const reference: Subject = { label: "node --import tsx -e ''", args: ['--import', 'tsx', '-e', ''] };
const commands = [['--help'], ['config', 'print']];
const fromSource = { ...env, HERMES_FROM_SOURCE: '1' };
const subjects: Subject[] = commands.map((command) => ({
  label: `hermes ${command.join(' ')} (source)`,
  args: ['bin/hermes.js', ...command],
  env: fromSource,
}));

function freshBuild(): boolean {
  try {
    const info = JSON.parse(readFileSync('dist/build-info.json', 'utf8')) as { sourceStamp?: string };
    return info.sourceStamp !== undefined && info.sourceStamp === sourceStamp('.');
  } catch {
    return false;
  }
}
const built = freshBuild();
if (built) {
  for (const command of commands)
    subjects.push({ label: `hermes ${command.join(' ')} (build)`, args: ['bin/hermes.js', ...command] });
}

function runOnce(subject: Subject): Sample {
  const rssFile = join(scratch, 'rss');
  const [command, args] = hasGnuTime
    ? [gnuTime, ['-f', '%M', '-o', rssFile, process.execPath, ...subject.args]]
    : [process.execPath, subject.args];
  const started = performance.now();
  const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], env: subject.env ?? env });
  const ms = performance.now() - started;
  if (result.status !== 0)
    throw new Error(`${subject.label} exited ${String(result.status)}: ${result.stderr.toString()}`);
  const rssKb = hasGnuTime ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) : undefined;
  return { ms, rssKb };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}

function measure(subject: Subject): { ms: number; rssMb: number | undefined } {
  runOnce(subject); // warm the file system cache and tsx's transform cache
  const samples = Array.from({ length: runs }, () => runOnce(subject));
  const rss = samples.flatMap((s) => (s.rssKb === undefined ? [] : [s.rssKb]));
  return {
    ms: median(samples.map((s) => s.ms)),
    rssMb: rss.length > 0 ? Math.max(...rss) / 1024 : undefined,
  };
}

function row(label: string, figures: { ms: number; rssMb: number | undefined }, ratio: string): string {
  const rss = figures.rssMb === undefined ? 'n/a' : `${figures.rssMb.toFixed(0)} MB`;
  return `${label.padEnd(34)}${`${figures.ms.toFixed(0)} ms`.padStart(10)}${rss.padStart(10)}${ratio.padStart(8)}`;
}

try {
  console.log(`CLI start-up, ${String(runs)} runs each: median wall time, max RSS`);
  console.log('reference: the bare tsx start; aim: under 2× the bare tsx start\n');
  console.log(
    `${'command'.padEnd(34)}${'median'.padStart(10)}${'max RSS'.padStart(10)}${'× ref'.padStart(8)}`,
  );
  const base = measure(reference);
  console.log(row(reference.label, base, '1.00'));
  for (const subject of subjects) {
    const figures = measure(subject);
    console.log(row(subject.label, figures, (figures.ms / base.ms).toFixed(2)));
  }
  if (!built) console.log('\n(no build matching src/: `npm run build` first to measure the compiled start)');
  if (!hasGnuTime) console.log('\n(max RSS: n/a, /usr/bin/time is not installed)');
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
