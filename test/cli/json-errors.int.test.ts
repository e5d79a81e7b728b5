import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.ts';
import { useTestDatabase } from '../support/test-database.ts';

// A migrated database without a single lead: every lookup finds nothing.
const database = useTestDatabase({ migrate: true });
const hermes = (...args: string[]) => runCli(args, { env: { DATABASE_URL: database.url } });

describe('hermes --json: a runtime error is one JSON line on stderr, with the exit code it has without --json', () => {
  it.each([
    [['leads', 'show', 'HS-20990101-AAAAAA'], 'lead_not_found', 'no lead HS-20990101-AAAAAA'],
    [
      ['deliveries', 'show', 'HS-20990101-AAAAAA'],
      'delivery_not_found',
      'no delivery for HS-20990101-AAAAAA',
    ],
    [
      ['leads', 'export', '--email', 'nobody@example.com'],
      'subject_not_found',
      'no lead held for this address',
    ],
  ])('%j', async (args, code, message) => {
    const human = await hermes(...args);
    expect(human.code, human.stderr).toBe(1);
    expect(human.stdout).toBe('');
    expect(human.stderr).toContain(`hermes: ${message}`);
    expect(human.stderr).toContain(`[${code}]`);

    const json = await hermes('--json', ...args);
    expect(json.code, json.stderr).toBe(1);
    expect(json.stdout).toBe('');
    expect(json.stderr.trimEnd().split('\n')).toHaveLength(1);
    const document = JSON.parse(json.stderr) as { error: { code: string; message: string } };
    expect(document.error.code).toBe(code);
    expect(document.error.message).toContain(message);
  });
});
