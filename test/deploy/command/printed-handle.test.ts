import { describe, expect, it } from 'vitest';
import { printedHandle } from '../../../src/deploy/command/run-target-command.ts';

describe('printedHandle', () => {
  it('is the last non-empty line a command printed, trimmed', () => {
    expect(printedHandle('building...\nuploading...\nrelease-42\n')).toBe('release-42');
    expect(printedHandle('  dpl_abc  \n\n   \n')).toBe('dpl_abc');
    expect(printedHandle('only\r\n')).toBe('only');
  });

  it('is null when the command printed nothing but blank lines', () => {
    expect(printedHandle('')).toBeNull();
    expect(printedHandle('\n  \n\t\n')).toBeNull();
  });
});
