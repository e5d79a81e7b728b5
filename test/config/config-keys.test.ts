import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { configKeys, isInSection, keysNear } from '../../src/config/config-keys.ts';

const schema = z.strictObject({
  environment: z.enum(['development', 'production']).default('development'),
  server: z
    .strictObject({ port: z.int().default(3000), corsOrigins: z.array(z.string()).default([]) })
    .prefault({}),
  intake: z
    .strictObject({
      apiKeys: z.array(z.string()).default([]),
      rateLimit: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
    })
    .prefault({}),
  n8n: z
    .strictObject({
      webhookUrl: z.string().optional(),
      headerAuth: z.strictObject({ name: z.string(), secret: z.string() }).optional(),
      overrides: z.record(z.string(), z.strictObject({ off: z.boolean() })).default({}),
    })
    .refine(() => true)
    .prefault({}),
});

describe('config keys', () => {
  it('walks every section, through defaults, optionality and refinements, in schema order', () => {
    expect(configKeys(schema)).toEqual([
      { path: 'environment', kind: 'setting' },
      { path: 'server', kind: 'section' },
      { path: 'server.port', kind: 'setting' },
      { path: 'server.corsOrigins', kind: 'setting' },
      { path: 'intake', kind: 'section' },
      { path: 'intake.apiKeys', kind: 'setting' },
      { path: 'intake.rateLimit', kind: 'section' },
      { path: 'intake.rateLimit.enabled', kind: 'setting' },
      { path: 'n8n', kind: 'section' },
      { path: 'n8n.webhookUrl', kind: 'setting' },
      { path: 'n8n.headerAuth', kind: 'section' },
      { path: 'n8n.headerAuth.name', kind: 'setting' },
      { path: 'n8n.headerAuth.secret', kind: 'setting' },
      { path: 'n8n.overrides', kind: 'setting' },
    ]);
  });

  it("knows Hermes's own sections", () => {
    const paths = configKeys().map((k) => k.path);
    for (const path of ['database.url', 'intake.rateLimit.perIpMax', 'delivery.circuitBreaker.cooldown'])
      expect(paths).toContain(path);
  });

  it('tells a section from a key that only starts like it', () => {
    expect(isInSection('intake.rateLimit.enabled', 'intake.rateLimit')).toBe(true);
    expect(isInSection('intake.rateLimit', 'intake.rateLimit')).toBe(true);
    expect(isInSection('intake.rateLimitX', 'intake.rateLimit')).toBe(false);
  });

  it('names the keys near an unknown section', () => {
    const keys = configKeys(schema);
    expect(keysNear(keys, 'nope')).toEqual({
      parent: '',
      sections: ['server', 'intake', 'n8n'],
      settings: ['environment'],
    });
    expect(keysNear(keys, 'intake.rateLimt.enabled')).toEqual({
      parent: 'intake',
      sections: ['intake.rateLimit'],
      settings: ['intake.apiKeys'],
    });
    expect(keysNear(keys, 'server.x')).toEqual({
      parent: 'server',
      sections: [],
      settings: ['server.port', 'server.corsOrigins'],
    });
  });
});
