import { describe, expect, it } from 'vitest';
import { chooseConfig } from '../../../src/gates/builtin/code/tool-config.ts';
import { missingProject } from '../../../src/gates/builtin/code/types.ts';
import { describeProbe, probeTarget } from '../../../src/gates/builtin/db/connectivity.ts';
import { judgeUnlocked } from '../../../src/gates/builtin/security/unlocked-dependencies.ts';

// What the gates decide on a repository that is not Hermes, as pure functions.
describe('a code tool without configuration', () => {
  const none = () => false;
  it('skips when nothing configures the tool and the project has not adopted it', () => {
    expect(chooseConfig(null, none, undefined, false)).toEqual({ kind: 'none' });
  });
  it('lets the tool find its own config, or use its defaults once the project depends on it', () => {
    expect(chooseConfig(null, none, 'eslint.config.js', false)).toEqual({ kind: 'found', args: [] });
    expect(chooseConfig(null, none, undefined, true)).toEqual({ kind: 'found', args: [] });
  });
  it('passes a configured file on, and a configured file that does not exist is a mistake', () => {
    expect(chooseConfig('tools/x.json', () => true, undefined, false)).toEqual({
      kind: 'explicit',
      args: ['--config', 'tools/x.json'],
    });
    expect(chooseConfig('tools/x.json', none, 'eslint.config.js', true)).toEqual({
      kind: 'missing-file',
      path: 'tools/x.json',
    });
  });
  it('code.types: no default tsconfig.json is a skip naming the key; a configured one missing is an error', () => {
    expect(missingProject('tsconfig.json', true)).toBeUndefined();
    expect(missingProject('tsconfig.json', false)).toMatchObject({
      status: 'skip',
      reason: 'no tsconfig.json; set gates.thresholds.code.types.project to the tsconfig to check',
    });
    expect(missingProject('tsconfig.app.json', false)).toMatchObject({
      status: 'error',
      reason:
        'gates.thresholds.code.types.project is tsconfig.app.json, which does not exist in the repository',
    });
  });
});

describe('security.dependencies without package-lock.json', () => {
  it('passes nothing declared, fails declared dependencies nothing locks, skips another lockfile', () => {
    expect(judgeUnlocked({ declared: [], otherLockfiles: [] }).status).toBe('pass');
    expect(judgeUnlocked({ declared: ['a', 'b'], otherLockfiles: [] })).toMatchObject({
      status: 'fail',
      summary: '2 dependencies of package.json not locked (no package-lock.json): a, b',
    });
    const yarn = judgeUnlocked({ declared: ['a'], otherLockfiles: ['yarn.lock'] });
    expect(yarn.status).toBe('skip');
    expect(yarn.reason).toContain('set gates.overrides.security.dependencies.enabled to false');
    expect(judgeUnlocked({ declared: undefined, otherLockfiles: [] }).status).toBe('skip');
  });
});

describe('db.connectivity’s probe', () => {
  it('writes the spec’s lead only into hermes_leads; elsewhere a temporary table, naming the project’s table', () => {
    expect(describeProbe(probeTarget('hermes_leads', true))).toBe('hermes_leads');
    expect(describeProbe(probeTarget('hermes_leads', false))).toBe(
      'a temporary table (hermes_leads does not exist yet)',
    );
    expect(describeProbe(probeTarget('customers', true))).toBe('a temporary table, customers read');
    expect(describeProbe(probeTarget('app.customers', false))).toBe(
      'a temporary table (app.customers does not exist yet)',
    );
  });
});
