/** Of the deploying environment, what a release runs with (DESIGN.md: DATABASE_URL, HERMES_*). */
const passedOn = new Set([
  'PATH',
  'HOME',
  'LANG',
  'LC_ALL',
  'TZ',
  'NODE_ENV',
  'NODE_OPTIONS',
  'DATABASE_URL',
  'POSTGRES_URL',
]);

function passes(name: string): boolean {
  return passedOn.has(name) || name.startsWith('HERMES_') || name.startsWith('PG');
}

// Set by the target for each colour: a value from elsewhere would point the release at the wrong place.
const ownedByTarget: ReadonlySet<string> = new Set([
  'PORT',
  'HOST',
  'HERMES_DEPLOYMENT_ID',
  'HERMES_ROLE_FILE',
  'HERMES_CONFIG',
]);

/**
 * The release's stored environment: the deploying environment's variables, then `deploy.env`, then
 * the `--env` pairs (later wins), without the ones the target sets per colour.
 */
export function releaseEnvironment(
  deploying: Readonly<NodeJS.ProcessEnv>,
  configured: Readonly<Record<string, string>>,
  given: Readonly<Record<string, string>>,
): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const [name, value] of Object.entries(deploying)) {
    if (value !== undefined && passes(name)) merged[name] = value;
  }
  Object.assign(merged, configured, given);
  const env = Object.fromEntries(Object.entries(merged).filter(([name]) => !ownedByTarget.has(name)));
  // Behind nginx every client has nginx's address; the intake's rate limits need the real one.
  env['HERMES_TRUST_PROXY'] ??= '127.0.0.1';
  return env;
}
