import { describe, expect, it } from 'vitest';
import { useIntake } from './support/use-intake.ts';

const paths = ['/', '/health', '/no/such/page'];

describe('security headers over plain HTTP, no proxy trusted', () => {
  const intake = useIntake();

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

  it('answers a missing asset as the edge answers a missing route: the uniform body, the same headers', async () => {
    // The headers that differ by request or by body length, not by who answered.
    const varying = new Set(['date', 'content-length', 'x-request-id', 'keep-alive', 'connection']);
    const answer = async (path: string) => {
      const response = await fetch(`${intake.base}${path}`);
      const headers = [...response.headers].filter(([name]) => !varying.has(name));
      return { status: response.status, headers, body: await response.json() };
    };
    const asset = await answer('/assets/no-such.js');
    const route = await answer('/no/such/page');
    expect(asset.status).toBe(404);
    expect(asset.body).toEqual({ error: { code: 'not_found', message: 'no such asset' } });
    expect(asset.headers).toEqual(route.headers);
    expect(asset.headers).toContainEqual(['content-type', 'application/json; charset=utf-8']);
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
  const intake = useIntake({ config: { server: { trustProxy: true } } });

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
