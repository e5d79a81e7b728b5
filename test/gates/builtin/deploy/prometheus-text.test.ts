import { collectDefaultMetrics, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parsePrometheusText, sampleValue } from '../../../../src/gates/builtin/support/prometheus-text.ts';

describe('parsePrometheusText', () => {
  it("reads prom-client's default metrics as /metrics serves them", async () => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const samples = parsePrometheusText(await registry.metrics());
    const heap = sampleValue(samples, 'nodejs_heap_size_used_bytes');
    expect(heap).toBeGreaterThan(1_000_000);
    expect(sampleValue(samples, 'process_resident_memory_bytes')).toBeGreaterThan(heap ?? Infinity);
    // Labelled families are read too, each label set its own sample.
    expect(sampleValue(samples, 'nodejs_heap_space_size_used_bytes', { space: 'old' })).toBeGreaterThan(0);
    expect(samples.some((s) => s.name.startsWith('#'))).toBe(false);
  });

  it('reads labels with escapes, commas and braces in their values, a trailing comma and a timestamp', () => {
    const text = [
      '# HELP http_requests_total Requests.',
      '# TYPE http_requests_total counter',
      'http_requests_total{method="GET",route="/a,b}{"} 12 1700000000000',
      'http_requests_total{ method = "POST" , note="say \\"hi\\"\\nback\\\\slash",} 3',
      'up 1',
      'odd{tab="a\\tb"} 4',
      '',
      '   ',
    ].join('\n');
    expect(parsePrometheusText(text)).toEqual([
      { name: 'http_requests_total', labels: { method: 'GET', route: '/a,b}{' }, value: 12 },
      { name: 'http_requests_total', labels: { method: 'POST', note: 'say "hi"\nback\\slash' }, value: 3 },
      { name: 'up', labels: {}, value: 1 },
      // Only \\, \" and \n are escapes: any other backslash stays as written.
      { name: 'odd', labels: { tab: 'a\\tb' }, value: 4 },
    ]);
  });

  it('reads NaN, infinities and exponents', () => {
    const samples = parsePrometheusText('a NaN\nb +Inf\nc -Inf\nd 1.5e+3\ne -0.25\nf{le="+Inf"} 7');
    expect(samples.map((s) => s.value)).toEqual([NaN, Infinity, -Infinity, 1500, -0.25, 7]);
    expect(sampleValue(samples, 'f', { le: '+Inf' })).toBe(7);
  });

  it('skips malformed lines instead of failing the whole answer', () => {
    const text = [
      'no_value',
      'bad_value abc',
      'foo-1 2',
      'unclosed{a="1" 2',
      'unquoted{a=1} 2',
      'empty{ 2',
      '{a="1"} 2',
      'good{} 5',
    ].join('\n');
    expect(parsePrometheusText(text)).toEqual([{ name: 'good', labels: {}, value: 5 }]);
  });
});

describe('sampleValue', () => {
  const samples = parsePrometheusText('m{a="1",b="2"} 10\nm{a="3"} 20');

  it('is the first sample whose labels include those asked for', () => {
    expect(sampleValue(samples, 'm')).toBe(10);
    expect(sampleValue(samples, 'm', { a: '3' })).toBe(20);
    expect(sampleValue(samples, 'm', { b: '2' })).toBe(10);
  });

  it('is undefined when no sample matches', () => {
    expect(sampleValue(samples, 'm', { a: '4' })).toBeUndefined();
    expect(sampleValue(samples, 'other')).toBeUndefined();
  });
});
