import { describe, expect, it } from 'vitest';
import { answerFormat } from '../../../src/intake/contact/answer-format.ts';

describe('answerFormat', () => {
  it('answers HTML only to a urlencoded form post from a client that accepts HTML', () => {
    const form = 'application/x-www-form-urlencoded';
    expect(answerFormat({ 'content-type': form, accept: 'text/html,application/xhtml+xml' })).toBe('html');
    expect(answerFormat({ 'content-type': `${form}; charset=utf-8`, accept: 'text/html' })).toBe('html');
    expect(answerFormat({ 'content-type': form, accept: 'application/json' })).toBe('json');
    expect(answerFormat({ 'content-type': form })).toBe('json');
    expect(answerFormat({ 'content-type': 'application/json', accept: 'text/html' })).toBe('json');
    expect(answerFormat({})).toBe('json');
  });
});
