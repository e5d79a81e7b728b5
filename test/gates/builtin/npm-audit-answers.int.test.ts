import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runNpmAudit } from '../../../src/gates/builtin/security/npm-audit.ts';
import { gateContext, makeProject } from './support/gate-context.ts';

const made: Array<{ remove: () => void }> = [];
afterEach(() => {
  for (const project of made.splice(0)) project.remove();
});

/**
 * A context whose PATH finds an `npm` that runs `script` (sh) instead of the real one: what npm
 * answers when the registry is down, misconfigured or slow, without needing such a registry.
 */
function withFakeNpm(script: string) {
  const project = makeProject({ 'bin/npm': `#!/bin/sh\n${script}\n` });
  made.push(project);
  chmodSync(join(project.dir, 'bin', 'npm'), 0o755);
  return gateContext({
    cwd: project.dir,
    env: { PATH: `${join(project.dir, 'bin')}:${process.env.PATH ?? ''}` },
  });
}

describe('runNpmAudit: what npm answers', () => {
  it('reads a report, having asked npm for JSON from the lockfile alone', async () => {
    const ctx = withFakeNpm(`
[ "$*" = "audit --json --package-lock-only" ] || { echo "unexpected arguments: $*" >&2; exit 3; }
echo '{"auditReportVersion":2,"vulnerabilities":{"pkg":{"name":"pkg","severity":"low","range":"<1.0.0","via":[{"name":"pkg","source":5,"title":"A low one"}]}}}'
exit 1`);
    // npm audit exits 1 when it finds something: the report, not the code, is the answer.
    expect(await runNpmAudit(ctx, 10_000)).toEqual({
      ok: true,
      vulnerabilities: [{ id: '5', package: 'pkg', version: '<1.0.0', severity: 'low', title: 'A low one' }],
    });
  });

  it('says the last five lines of what npm printed (stdout, then stderr) when it is not JSON', async () => {
    const ctx = withFakeNpm(`
for n in 1 2 3 4 5 6; do echo "npm WARN line $n"; done
echo 'npm ERR! code ECONNREFUSED' >&2
exit 1`);
    expect(await runNpmAudit(ctx, 10_000)).toEqual({
      ok: false,
      reason: 'npm audit: …\nnpm WARN line 4\nnpm WARN line 5\nnpm WARN line 6\n\nnpm ERR! code ECONNREFUSED',
    });
  });

  it("gives npm's own message for JSON that is no report, else the tail of its stderr", async () => {
    const withMessage = withFakeNpm(
      `echo '{"message":"This registry does not support audit","error":{}}'; exit 1`,
    );
    expect(await runNpmAudit(withMessage, 10_000)).toEqual({
      ok: false,
      reason: 'npm audit: This registry does not support audit',
    });
    const withoutMessage = withFakeNpm(
      `echo '{"error":{"code":"E500"}}'; echo 'npm ERR! 500 Internal Server Error' >&2; exit 1`,
    );
    expect(await runNpmAudit(withoutMessage, 10_000)).toEqual({
      ok: false,
      reason: 'npm audit: npm ERR! 500 Internal Server Error',
    });
  });

  it('gives up after the timeout, saying so, rather than waiting for a registry that does not answer', async () => {
    const ctx = withFakeNpm('exec sleep 30');
    const started = Date.now();
    expect(await runNpmAudit(ctx, 300)).toEqual({
      ok: false,
      reason: 'npm audit gave no answer within 300 ms',
    });
    // The 2 s grace of a SIGTERM at most, never the 30 s sleep.
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
