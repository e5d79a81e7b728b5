/** One sample line of Prometheus's text exposition format. */
export interface PrometheusSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const metricName = /^[A-Za-z_:][A-Za-z0-9_:]*/;
const labelPair = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(,|(?=}))/;
const escapes: Readonly<Record<string, string>> = { n: '\n', '\\': '\\', '"': '"' };

function unescape(value: string): string {
  return value.replace(/\\(.)/g, (whole, char: string) => escapes[char] ?? whole);
}

/** The `{a="1",b="x y"}` block at the start of `text`: its labels and what follows it; null when malformed. */
function readLabels(text: string): { labels: Record<string, string>; rest: string } | null {
  const labels: Record<string, string> = {};
  let rest = text.slice(1);
  while (!rest.trimStart().startsWith('}')) {
    const pair = labelPair.exec(rest);
    if (!pair) return null;
    labels[String(pair[1])] = unescape(String(pair[2]));
    rest = rest.slice(pair[0].length);
  }
  return { labels, rest: rest.trimStart().slice(1) };
}

/** `NaN`, `+Inf`, `-Inf` and Go's float syntax; undefined for anything else. */
function parseValue(token: string | undefined): number | undefined {
  if (token === undefined || token === '') return undefined;
  if (/^[+-]?Inf$/.test(token)) return token.startsWith('-') ? -Infinity : Infinity;
  const value = Number(token);
  // Number('NaN') is NaN too: only the literal NaN is a value, anything else unparsable is not.
  if (Number.isNaN(value)) return /^NaN$/.test(token) ? NaN : undefined;
  return value;
}

/** One line as a sample; null for comments, blanks and malformed lines (which are skipped, not fatal). */
function parseLine(line: string): PrometheusSample | null {
  const name = metricName.exec(line)?.[0];
  if (name === undefined) return null;
  let rest = line.slice(name.length);
  // A name runs up to its labels or a blank: `foo-1 2` is no sample of `foo`.
  if (!/^[{\s]/.test(rest)) return null;
  let labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    const read = readLabels(rest);
    if (!read) return null;
    ({ labels, rest } = read);
  }
  // The value, then an optional timestamp.
  const value = parseValue(rest.trim().split(/\s+/)[0]);
  return value === undefined ? null : { name, labels, value };
}

/** The samples of a `/metrics` answer (`text/plain; version=0.0.4`), in order. */
export function parsePrometheusText(text: string): PrometheusSample[] {
  return text.split('\n').flatMap((line) => parseLine(line.trim()) ?? []);
}

/** The value of the first sample named `name` whose labels include `labels`; undefined when none. */
export function sampleValue(
  samples: readonly PrometheusSample[],
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    ?.value;
}
