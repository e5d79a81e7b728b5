import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { lintSource } from '@secretlint/core';
import { creator as recommendedRules } from '@secretlint/secretlint-rule-preset-recommend';

export interface SecretFinding {
  file: string;
  line: number;
  rule: string;
}

// The preset includes filter-comments: `secretlint-disable-line` on a reviewed fake silences it.
// The AWS rule's access key id scan is off in the preset; an `AKIA...` id alone is worth a finding.
const config = {
  rules: [
    {
      id: '@secretlint/secretlint-rule-preset-recommend',
      rule: recommendedRules,
      rules: [{ id: '@secretlint/secretlint-rule-aws', options: { enableIDScanRule: true } }],
    },
  ],
};

/**
 * secretlint's recommended rules (cloud keys, tokens, private keys, credentials in URLs...) over
 * each file. Findings carry the file, line and rule, never the secret itself.
 */
export async function scanSecrets(
  cwd: string,
  files: readonly string[],
  maxFileBytes: number,
): Promise<SecretFinding[]> {
  const findings: SecretFinding[] = [];
  for (const file of files) {
    const path = join(cwd, file);
    let content: string;
    try {
      if (statSync(path).size > maxFileBytes) continue;
      content = readFileSync(path, 'utf8');
    } catch {
      continue; // deleted since git listed it, or unreadable: nothing to scan
    }
    if (content.includes('\0')) continue; // binary
    const result = await lintSource({
      source: { filePath: path, content, contentType: 'text' },
      options: { config, maskSecrets: true },
    });
    for (const message of result.messages) {
      findings.push({ file, line: message.loc.start.line, rule: `secretlint/${message.messageId}` });
    }
  }
  return findings;
}
