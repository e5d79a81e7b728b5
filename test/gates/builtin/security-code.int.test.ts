import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { securityCodeGate } from '../../../src/gates/builtin/security/code.ts';
import { gateContext, makeProject } from './support/gate-context.ts';
import { judged } from '../support/judged.ts';

/** The score and secrets rows a run judged: what the status is decided from. */
const scoreAndSecrets = (score: number, secrets: number) => [
  { name: 'score', value: score, threshold: 100, comparison: '>=', passed: score >= 100 },
  { name: 'secrets found', value: secrets, threshold: 0, comparison: '==', passed: secrets === 0 },
];

// Secrets are made at run time: a literal one in the repository would (rightly) fail its own scan.
const githubToken = () => `ghp_${randomBytes(27).toString('base64url').replace(/[-_]/g, 'x').slice(0, 36)}`;

const projects: { remove: () => void }[] = [];
function project(files: Record<string, string>): string {
  const made = makeProject(files);
  projects.push(made);
  return made.dir;
}
afterAll(() => {
  for (const p of projects) p.remove();
});

describe('security.code', () => {
  it('passes clean code with a 100% score', async () => {
    const cwd = project({
      'src/app.ts': 'export const greeting = (name: string): string => `hello ${name}`;\n',
    });
    const outcome = await securityCodeGate.run(gateContext({ cwd }));
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toBe('score 100%: 1 file scanned, 0 findings');
    expect(judged(outcome)).toEqual(scoreAndSecrets(100, 0));
  });

  it('fails naming a hard-coded secret without printing it', async () => {
    const token = githubToken();
    const cwd = project({
      'src/app.ts': 'export const ok = 1;\n',
      'src/client.ts': `export const client = { auth: '${token}' };\n`,
    });
    const outcome = await securityCodeGate.run(gateContext({ cwd }));
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(
      /^1 hard-coded secret, score 50% \(1 finding\): src\/client\.ts:1 secretlint\/GITHUB_TOKEN/,
    );
    expect(judged(outcome)).toEqual(scoreAndSecrets(50, 1));
    expect(JSON.stringify(outcome)).not.toContain(token);
  });

  it('fails on a hard-coded secret even when the score reaches a lowered minimum', async () => {
    const cwd = project({
      'src/app.ts': 'export const ok = 1;\n',
      'src/client.ts': `export const client = { auth: '${githubToken()}' };\n`,
    });
    const config = { gates: { thresholds: { security: { code: { minScore: 50 } } } } };
    const outcome = await securityCodeGate.run(gateContext({ cwd, config }));
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(/^1 hard-coded secret, score 50%/);
    expect(judged(outcome)).toEqual([
      { name: 'score', value: 50, threshold: 50, comparison: '>=', passed: true },
      { name: 'secrets found', value: 1, threshold: 0, comparison: '==', passed: false },
    ]);
  });

  it('finds a secret in any tracked file, and honours a reviewed secretlint-disable-line', async () => {
    const cwd = project({
      'config/deploy.env': `GITHUB_TOKEN=${githubToken()}\n`,
      'docs/example.md': `token: ${githubToken()} <!-- secretlint-disable-line -->\n`,
    });
    const outcome = await securityCodeGate.run(gateContext({ cwd }));
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain('config/deploy.env:1 secretlint/GITHUB_TOKEN');
    expect(outcome.summary).not.toContain('docs/example.md');
    // Two files scanned, the disabled line's file clean: one secret, score 50.
    expect(judged(outcome)).toEqual(scoreAndSecrets(50, 1));
  });

  it('fails naming an eslint-plugin-security finding', async () => {
    const cwd = project({
      'src/match.js': 'export const match = (input, text) => new RegExp(input).test(text);\n',
    });
    const outcome = await securityCodeGate.run(gateContext({ cwd }));
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('score 0% (1 finding): src/match.js:1 security/detect-non-literal-regexp');
    expect(judged(outcome)).toEqual(scoreAndSecrets(0, 0));
  });

  it('flags high-entropy literals when an entropy tolerance is set', async () => {
    const cwd = project({ 'src/key.ts': `export const key = '${randomBytes(24).toString('base64')}';\n` });
    const withoutEntropy = await securityCodeGate.run(gateContext({ cwd }));
    const withEntropy = await securityCodeGate.run(
      gateContext({
        cwd,
        config: { gates: { thresholds: { security: { code: { entropyTolerance: 4 } } } } },
      }),
    );
    expect(withoutEntropy.status, withoutEntropy.summary).toBe('pass');
    expect(withEntropy.status).toBe('fail');
    expect(withEntropy.summary).toContain('src/key.ts:1 no-secrets/no-secrets');
  });
});

describe('security.code, what it promises', () => {
  // An AWS access key id alone (no secret beside it), made at run time.
  const awsKeyId = () => `AKIA${randomBytes(8).toString('hex').toUpperCase()}`;

  it('finds an AWS access key id on its own, without printing it', async () => {
    const id = awsKeyId();
    const cwd = project({ 'src/aws.ts': `export const accessKeyId = '${id}';\n` });
    const outcome = await securityCodeGate.run(gateContext({ cwd }));
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain('src/aws.ts:1 secretlint/AWSAccessKeyID');
    expect(JSON.stringify(outcome)).not.toContain(id);
  });

  it('counts and lists the findings eslint-disable comments silence, with their reasons', async () => {
    const cwd = project({
      'src/match.js': [
        '// eslint-disable-next-line security/detect-non-literal-regexp -- the pattern is a constant of ours',
        'export const match = (input, text) => new RegExp(input).test(text);',
        'export const other = (input, text) => new RegExp(input).test(text); // eslint-disable-line security/detect-non-literal-regexp',
        '',
      ].join('\n'),
    });
    const outcome = await securityCodeGate.run(gateContext({ cwd }));
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toBe(
      'score 100%: 1 file scanned, 0 findings, 2 findings silenced by eslint-disable (listed)',
    );
    expect(outcome.measurements?.find((m) => m.name === 'findings silenced by eslint-disable')?.value).toBe(
      2,
    );
    expect(outcome.evidence?.find((e) => e.title === 'silenced by eslint-disable comments')?.content).toEqual(
      [
        {
          file: 'src/match.js',
          line: 2,
          rule: 'security/detect-non-literal-regexp',
          reason: 'the pattern is a constant of ours',
        },
        { file: 'src/match.js', line: 3, rule: 'security/detect-non-literal-regexp', reason: null },
      ],
    );
  });
});
