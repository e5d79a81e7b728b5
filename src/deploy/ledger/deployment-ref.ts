import { HermesError } from '../../errors/hermes-error.ts';

/** The fewest hex digits a prefix needs: `hermes deployments list` shows ids by their first 8. */
export const minPrefixDigits = 8;

export const deploymentRefExpected = `a deployment id, or its first ${String(minPrefixDigits)} or more hex digits`;

const lowest = '00000000-0000-0000-0000-000000000000';
const highest = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

/** The ids a reference stands for: every uuid from `low` to `high` (one, for a whole id). */
export interface DeploymentRef {
  /** As given, in lower case. */
  text: string;
  low: string;
  high: string;
}

/**
 * A whole id or the start of one, as printed (lower or upper case, hyphens where a uuid has them),
 * read as a range of uuids so that the primary key's index finds it.
 */
export function parseDeploymentRef(value: string): DeploymentRef | null {
  const text = value.trim().toLowerCase();
  if (text.length > lowest.length) return null;
  for (let i = 0; i < text.length; i += 1) {
    const wanted = lowest[i] === '-' ? /-/ : /[0-9a-f]/;
    if (!wanted.test(text.charAt(i))) return null;
  }
  if (text.replaceAll('-', '').length < minPrefixDigits) return null;
  return {
    text,
    low: text + lowest.slice(text.length),
    high: text + highest.slice(text.length),
  };
}

/** parseDeploymentRef, refusing what is not a reference. */
export function deploymentRef(value: string): DeploymentRef {
  const ref = parseDeploymentRef(value);
  if (ref === null)
    throw new HermesError(
      'invalid_argument',
      `expected ${deploymentRefExpected}, got ${JSON.stringify(value)}`,
    );
  return ref;
}
