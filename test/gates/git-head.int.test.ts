import { describe, expect, it } from 'vitest';
import { gitHead } from '../../src/gates/history/git-head.ts';
import { makeProject } from './builtin/support/gate-context.ts';
import { git } from '../support/git.ts';

describe('gitHead', () => {
  it('is the full hash of the commit checked out; null before the first commit and outside git', async () => {
    const project = makeProject({ 'README.md': 'x\n' });
    try {
      expect(await gitHead(project.dir)).toBeNull();
      git(project.dir, 'init', '-q', '-b', 'main');
      expect(await gitHead(project.dir)).toBeNull();
      git(project.dir, 'add', '-A');
      git(project.dir, 'commit', '-q', '-m', 'first');
      const head = git(project.dir, 'rev-parse', 'HEAD');
      expect(head).toMatch(/^[0-9a-f]{40}$/);
      expect(await gitHead(project.dir)).toBe(head);
    } finally {
      project.remove();
    }
    // A directory that is not there: null, not a throw.
    expect(await gitHead(project.dir)).toBeNull();
  });
});
