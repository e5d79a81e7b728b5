import { describe, expect, it } from 'vitest';
import { boundedCapture, dropBrokenEnd, dropBrokenStart } from '../../src/subprocess/bounded-capture.ts';

const euro = Buffer.from('€'); // e2 82 ac

describe('boundedCapture', () => {
  it('keeps everything within the bound', () => {
    for (const keep of ['head', 'tail'] as const) {
      const capture = boundedCapture(10, keep);
      capture.push(Buffer.from('abc'));
      capture.push(Buffer.from('def'));
      expect(capture.text()).toBe('abcdef');
      expect(capture.truncated).toBe(false);
    }
  });

  it('keeps the first bytes of a head capture, however much comes', () => {
    const capture = boundedCapture(5, 'head');
    for (let i = 0; i < 1_000; i += 1) capture.push(Buffer.from('0123456789'));
    expect(capture.text()).toBe('01234');
    expect(capture.truncated).toBe(true);
  });

  it('keeps the last bytes of a tail capture, holding at most twice the bound', () => {
    const capture = boundedCapture(4, 'tail');
    for (let i = 0; i < 1_000; i += 1) capture.push(Buffer.from(String(i % 10)));
    expect(capture.text()).toBe('6789');
    expect(capture.truncated).toBe(true);
  });

  it('decodes a character split between two chunks whole', () => {
    const capture = boundedCapture(100, 'tail');
    capture.push(euro.subarray(0, 1));
    capture.push(euro.subarray(1));
    expect(capture.text()).toBe('€');
  });

  it('drops the half of a character that the bound cuts, not the whole text', () => {
    const head = boundedCapture(4, 'head');
    head.push(Buffer.from('ab€'));
    expect(head.text()).toBe('ab');
    const tail = boundedCapture(4, 'tail');
    tail.push(Buffer.from('€cd'));
    expect(tail.text()).toBe('€cd'.slice(-2)); // 'cd', after the euro's last two bytes are dropped
  });
});

describe('dropBrokenStart and dropBrokenEnd', () => {
  it('leave whole text alone', () => {
    const text = Buffer.from('a€b😀');
    expect(dropBrokenStart(text).toString()).toBe('a€b😀');
    expect(dropBrokenEnd(text).toString()).toBe('a€b😀');
    expect(dropBrokenEnd(Buffer.alloc(0))).toHaveLength(0);
  });

  it('cut the pieces of a character at the edge', () => {
    const emoji = Buffer.from('😀'); // 4 bytes
    expect(dropBrokenStart(Buffer.concat([emoji.subarray(1), Buffer.from('x')])).toString()).toBe('x');
    expect(dropBrokenEnd(Buffer.concat([Buffer.from('x'), emoji.subarray(0, 3)])).toString()).toBe('x');
    expect(dropBrokenEnd(Buffer.concat([Buffer.from('x'), euro.subarray(0, 1)])).toString()).toBe('x');
  });
});
