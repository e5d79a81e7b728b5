import { describe, expect, it } from 'vitest';
import { validLead } from './support/start-intake.ts';
import { useIntake } from './support/use-intake.ts';

const intake = useIntake({
  config: {
    server: { corsOrigins: ['https://www.hermessecurity.io'], trustProxy: true },
    intake: { rateLimit: { perIpMax: 1 } },
  },
});

describe('hardening', () => {
  it('sends security headers with a CSP that allows only the page’s own script and styles', async () => {
    const response = await fetch(`${intake.base}/`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const html = await response.text();
    expect(html).not.toMatch(/<script>(?!<)/);
    expect(html).not.toMatch(/ style="/);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('allows CORS from the configured origins only', async () => {
    const preflight = (origin: string) =>
      fetch(`${intake.base}/api/contact`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
    const allowed = await preflight('https://www.hermessecurity.io');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://www.hermessecurity.io');
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('takes the client address from X-Forwarded-For when trustProxy is set (per-IP limits per client)', async () => {
    const from = (ip: string) => intake.post(validLead(), { headers: { 'x-forwarded-for': ip } });
    expect((await from('203.0.113.7')).status).toBe(201);
    expect((await from('203.0.113.8')).status).toBe(201);
    expect((await from('203.0.113.7')).status).toBe(429);
  });
});
