import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createOutput } from '../../src/cli/output.ts';
import { printTable } from '../../src/cli/print-table.ts';

function printed(rows: readonly (readonly string[])[]): string {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  printTable(createOutput(false, sink, sink), rows);
  return text;
}

describe('printTable', () => {
  it('aligns each column to its widest cell, two spaces apart, without trailing blanks', () => {
    expect(
      printed([
        ['ID', 'STATUS', 'NOTE'],
        ['a1', 'failed', ''],
        ['b22222', 'ok', 'x'],
      ]),
    ).toBe(['ID      STATUS  NOTE', 'a1      failed', 'b22222  ok      x', ''].join('\n'));
  });

  it('prints nothing for no rows, and copes with rows shorter or longer than the header', () => {
    expect(printed([])).toBe('');
    expect(printed([['A', 'B'], ['long'], ['x', 'y', 'extra']])).toBe(
      ['A     B', 'long', 'x     y  extra', ''].join('\n'),
    );
  });
});
