import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { HermesError } from '../../../errors/hermes-error.ts';
import type { Vulnerability } from './vulnerability.ts';

/**
 * `security/audit-allowlist.yaml`: the medium vulnerabilities a team has reviewed and accepts for
 * now, each with why and until when.
 *
 *   - id: GHSA-29mw-wpgm-hmr9
 *     package: lodash          # optional: only this package
 *     reason: reached only from build tooling, never with request data
 *     expires: 2027-03-31      # after this day the entry no longer counts
 */
const allowlistEntry = z.strictObject({
  id: z.string().min(1),
  package: z.string().min(1).optional(),
  reason: z.string().trim().min(10, { error: 'expected a reason of at least 10 characters' }),
  expires: z.iso.date({ error: 'expected a date YYYY-MM-DD' }),
});
const allowlistFile = z.array(allowlistEntry);

export type AllowlistEntry = z.infer<typeof allowlistEntry>;

export function loadAllowlist(path: string): AllowlistEntry[] {
  if (!existsSync(path)) return [];
  const parsed = allowlistFile.safeParse(parseYaml(readFileSync(path, 'utf8')) ?? []);
  if (!parsed.success) {
    throw new HermesError('allowlist_invalid', `${path}: invalid allow-list`, {
      details: parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`),
    });
  }
  return parsed.data;
}

export type Documentation = { documented: true; entry: AllowlistEntry } | { documented: false; why: string };

/** Whether a vulnerability is documented by a current entry of the allow-list. */
export function documentation(
  allowlist: readonly AllowlistEntry[],
  vulnerability: Vulnerability,
  today: string,
): Documentation {
  const entry = allowlist.find(
    (e) => e.id === vulnerability.id && (e.package === undefined || e.package === vulnerability.package),
  );
  if (!entry) return { documented: false, why: 'not in the allow-list' };
  if (entry.expires < today) return { documented: false, why: `allow-list entry expired ${entry.expires}` };
  return { documented: true, entry };
}
