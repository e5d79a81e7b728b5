import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIntake, type IntakeUnderTest } from './support/start-intake.ts';

const paths = ['/', '/health', '/no/such/page'];

describe('security headers over plain HTTP, no proxy trusted', () => {
  let intake: IntakeUnderTest;
  beforeAll(async () => {
    intake = await startIntake();
  });
  afterAll(async () => {
    await intake.close();
  });

  it('sends no Strict-Transport-Security on a plain HTTP request', async () => {
    for (const path of paths) {
      const response = await fetch(`${intake.base}${path}`);
      await response.body?.cancel();
      expect(response.headers.get('strict-transport-security'), path).toBeNull();
    }
  });

  it('ignores X-Forwarded-Proto from a client it does not trust', async () => {
    const response = await fetch(`${intake.base}/`, { headers: { 'x-forwarded-proto': 'https' } });
    await response.body?.cancel();
    expect(response.headers.get('strict-transport-security')).toBeNull();
  });

  it('forbids framing in both headers alike: X-Frame-Options DENY and frame-ancestors none', async () => {
    for (const path of paths) {
      const response = await fetch(`${intake.base}${path}`);
      await response.body?.cancel();
      expect(response.headers.get('x-frame-options'), path).toBe('DENY');
      expect(response.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
    }
  });
});

describe('security headers behind a trusted TLS-terminating proxy', () => {
  let intake: IntakeUnderTest;
  beforeAll(async () => {
    intake = await startIntake({ config: { server: { trustProxy: true } } });
  });
  afterAll(async () => {
    await intake.close();
  });

  it('sends Strict-Transport-Security when the request came over HTTPS (X-Forwarded-Proto)', async () => {
    for (const path of paths) {
      const response = await fetch(`${intake.base}${path}`, { headers: { 'x-forwarded-proto': 'https' } });
      await response.body?.cancel();
      expect(response.headers.get('strict-transport-security'), path).toMatch(
        /^max-age=\d{7,}; includeSubDomains$/,
      );
      expect(response.headers.get('x-frame-options'), path).toBe('DENY');
    }
  });

  it('still sends none when the proxy says the request came over plain HTTP', async () => {
    const response = await fetch(`${intake.base}/`, { headers: { 'x-forwarded-proto': 'http' } });
    await response.body?.cancel();
    expect(response.headers.get('strict-transport-security')).toBeNull();
  });
});
