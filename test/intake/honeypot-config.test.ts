import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';

describe('intake.honeypotField', () => {
  it.each(['email', 'first_name', 'privacy_consent', 'form_token', 'privacy_policy_version'])(
    'refuses %s: a form field as the honeypot would drop it from every lead',
    (name) => {
      const result = configSchema.safeParse({ intake: { honeypotField: name } });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]).toMatchObject({ path: ['intake', 'honeypotField'] });
      expect(result.error?.issues[0]?.message).toContain(`got "${name}"`);
    },
  );

  it('accepts another name', () => {
    expect(configSchema.parse({ intake: { honeypotField: 'homepage_url' } }).intake.honeypotField).toBe(
      'homepage_url',
    );
  });
});
