// npx tsx bench/mask-pii/run.ts [--full]: the time maskPii takes per input shape and size, for
// the regex implementation it replaced (quadratic) and for the linear scanners (src/observability).
// The old implementation's 1 MB runs take minutes each; without --full, a run projected (from the
// previous size, quadratically) beyond BENCH_OLD_BUDGET_S seconds (default 30) is not run and its
// projection is printed instead, marked `~`.
import { maskEmail, maskPhone, maskPii } from '../../src/observability/mask-pii.ts';

// ---- REFERENCE ONLY: the old implementation, as it was in src/observability/mask-pii.ts. ----
// eslint-disable-next-line security/detect-unsafe-regex -- kept to measure it: this is the quadratic regex the scanner replaced
const oldEmailPattern = /[\p{L}\p{N}._%+'-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
// eslint-disable-next-line security/detect-unsafe-regex -- kept to measure it: this is the quadratic regex the scanner replaced
const oldPhonePattern = /(?<![\p{L}\p{N}_.:/-])\+?\(?\d(?:[ ().-]{0,2}\d){6,}(?![\p{L}\p{N}_-])/gu;
const oldDatePattern = /^\d{4}-\d{2}-\d{2}/;

function oldMaskPii(text: string): string {
  return text
    .replace(oldEmailPattern, (match) => maskEmail(match))
    .replace(oldPhonePattern, (match) => (oldDatePattern.test(match) ? match : maskPhone(match)));
}
// ---- end of the old implementation ----

const full = process.argv.includes('--full');
const oldBudgetS = Number(process.env.BENCH_OLD_BUDGET_S ?? 30);

/** `unit` repeated to `length` characters, the last one `last` (so that no number ends well there). */
function repeatTo(unit: string, length: number, last = ''): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length - last.length) + last;
}

// The shapes of the issue; each ends so that the old regexes had to try, and fail, every start.
const shapes: [string, (bytes: number) => string][] = [
  ['no @ (letters)', (bytes) => repeatTo('a', bytes)],
  ['many @', (bytes) => repeatTo('ab@cd', bytes)],
  ['digits', (bytes) => repeatTo('1', bytes, 'x')],
  ['separators', (bytes) => repeatTo('1- ', bytes, '-')],
  ['mixed', (bytes) => repeatTo("ab.c_d+e'f-9@x1 (2)3.4-5 %2 é6:7/8+", bytes, '-')],
];
const sizes: [string, number][] = [
  ['16 KB', 16 * 1024],
  ['256 KB', 256 * 1024],
  ['1 MB', 1024 * 1024],
];

function timeMs(work: () => unknown, runs: number): number {
  const times: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    work();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

function format(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(1)} ms`;
}

console.log(`maskPii, median time per call (old: one run; ~ = projected, not run; --full runs all)\n`);
console.log(
  `${'shape'.padEnd(16)}${'size'.padEnd(8)}${'old (regex)'.padStart(14)}${'new (scan)'.padStart(13)}`,
);
for (const [shape, make] of shapes) {
  let previous: { bytes: number; ms: number } | undefined;
  for (const [label, bytes] of sizes) {
    const text = make(bytes);
    const projected = previous ? previous.ms * (bytes / previous.bytes) ** 2 : 0;
    let old: string;
    if (!full && projected > oldBudgetS * 1000) {
      old = `~${format(projected)}`;
      previous = { bytes, ms: projected };
    } else {
      const ms = timeMs(() => oldMaskPii(text), 1);
      old = format(ms);
      previous = { bytes, ms };
    }
    maskPii(text); // warm up
    const now = format(timeMs(() => maskPii(text), 5));
    console.log(`${shape.padEnd(16)}${label.padEnd(8)}${old.padStart(14)}${now.padStart(13)}`);
  }
}
