import type { Environment } from '../../../config/sections/environment.ts';
import { developmentKeyId } from '../../../config/sections/data-protection.ts';
import type { Queryable } from '../../../db/queryable.ts';
import { encryptedPrefix } from '../../../leads/encryption/field-cipher.ts';
import type { Evidence } from '../../gate.ts';
import { listSome, measure, plural } from '../support/outcome.ts';
import type { CriterionVerdict } from './criterion-verdict.ts';
import { smokeLeadId } from './smoke-statements.ts';

/** An encrypted value as src/leads/encryption/field-cipher.ts writes it, as a PostgreSQL regex. */
const encryptedPattern = '^hermes:enc:v1:[A-Za-z0-9-]{1,32}:[A-Za-z0-9_-]+$';
const developmentPrefix = `${encryptedPrefix}${developmentKeyId}:`;

const plain = (column: string) => `(${column} <> '' AND ${column} !~ $1)`;

// db.smoke's row is §3.1.2's fixed test values, inserted and deleted around its check (and a
// lingering one fails db.smoke): not a person's data to encrypt.
const countsSql = `
SELECT count(*) FILTER (WHERE v <> '' AND v !~ $1)::int AS plaintext_values,
       count(*) FILTER (WHERE v ~ $1)::int AS encrypted_values,
       count(*) FILTER (WHERE starts_with(v, $2))::int AS development_values
  FROM hermes_leads, LATERAL (VALUES (phone_number), (problem_description)) AS c(v)
 WHERE lead_id <> $3`;

const listSql = `
SELECT lead_id,
       concat_ws(', ', CASE WHEN ${plain('phone_number')} THEN 'phone_number' END,
                       CASE WHEN ${plain('problem_description')} THEN 'problem_description' END) AS plaintext,
       count(*) OVER ()::int AS total
  FROM hermes_leads
 WHERE (${plain('phone_number')} OR ${plain('problem_description')}) AND lead_id <> $2
 ORDER BY id LIMIT $3`;

export interface EncryptionFacts {
  readonly plaintextValues: number;
  readonly encryptedValues: number;
  readonly developmentValues: number;
  /** The first rows with a plaintext value: lead_id and the columns, never a value. */
  readonly listed: readonly { lead_id: string; plaintext: string }[];
  readonly plaintextRows: number;
}

/** Counts the values of the encrypted columns (read-only) and lists the first plaintext rows. */
export async function readEncryptionFacts(db: Queryable, maxListed: number): Promise<EncryptionFacts> {
  const counts = await db.query<{
    plaintext_values: number;
    encrypted_values: number;
    development_values: number;
  }>(countsSql, [encryptedPattern, developmentPrefix, smokeLeadId]);
  const row = counts.rows[0];
  const plaintextValues = row?.plaintext_values ?? 0;
  const listed =
    plaintextValues > 0
      ? (
          await db.query<{ lead_id: string; plaintext: string; total: number }>(listSql, [
            encryptedPattern,
            smokeLeadId,
            maxListed,
          ])
        ).rows
      : [];
  return {
    plaintextValues,
    encryptedValues: row?.encrypted_values ?? 0,
    developmentValues: row?.development_values ?? 0,
    listed: listed.map((r) => ({ lead_id: r.lead_id, plaintext: r.plaintext })),
    plaintextRows: listed[0]?.total ?? 0,
  };
}

/** What db.data-protection's summary, measurements and evidence say of encryption. */
export type EncryptionVerdict = CriterionVerdict;

export interface KeyFacts {
  /** The development key encrypts (no key configured, or the published one). */
  readonly development: boolean;
  readonly environment: Environment;
}

/**
 * "Data encryption active": no stored phone_number or problem_description is plaintext (a row
 * that has one fails, named by lead_id), and the key is not the published development key (a
 * failure in production, where values under it are as readable as plaintext, a warning elsewhere).
 */
export function encryptionVerdict(facts: EncryptionFacts, key: KeyFacts): EncryptionVerdict {
  const production = key.environment === 'production';
  const failures: string[] = [];
  const warnings: string[] = [];
  if (facts.plaintextRows > 0) {
    const shown = facts.listed.map((r) => r.lead_id);
    const more = facts.plaintextRows - shown.length;
    failures.push(
      `${plural(facts.plaintextRows, 'record')} with a plaintext phone_number or problem_description: ${listSome(shown, shown.length)}${more > 0 ? ` and ${more} more` : ''} (run \`hermes keys rotate\`)`,
    );
  }
  if (key.development)
    (production ? failures : warnings).push(
      'the data key is the published development key (set HERMES_DATA_KEY)',
    );
  if (production && facts.developmentValues > 0)
    failures.push(
      `${plural(facts.developmentValues, 'value')} under the development key (run \`hermes keys rotate\` with your own key first)`,
    );
  const measurements = [
    measure('plaintext values', facts.plaintextValues, 'count', 0, '=='),
    measure('encrypted values', facts.encryptedValues, 'count'),
    measure('development key values', facts.developmentValues, 'count'),
  ];
  const evidence: Evidence[] =
    facts.listed.length > 0
      ? [
          {
            kind: 'rows',
            title: `records with a plaintext value in an encrypted column (first ${facts.listed.length} of ${facts.plaintextRows}: lead_id and columns only)`,
            content: facts.listed.map((r) => ({ lead_id: r.lead_id, plaintext: r.plaintext })),
          },
        ]
      : [];
  const problems = [...failures, ...warnings];
  const status = failures.length > 0 ? 'fail' : warnings.length > 0 ? 'warn' : 'pass';
  const stored = facts.encryptedValues + facts.plaintextValues;
  const text =
    problems.length > 0
      ? `encryption: ${problems.join('; ')}`
      : stored === 0
        ? 'encryption: no stored phone_number or problem_description to judge'
        : `encryption: ${plural(facts.encryptedValues, 'value')} of phone_number and problem_description encrypted, none plaintext`;
  return { status, text, measurements, evidence };
}
