import { describe, expect, it } from 'vitest';
import { renderNginxConfig } from '../../../src/deploy/local/nginx-config.ts';

/** The lines of one block (`upstream hermes_live {` ... `}`), without their indentation. */
function block(config: string, opening: string): string[] {
  const start = config.indexOf(`${opening} {`);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = config.indexOf('}', start);
  return config
    .slice(start, end)
    .split('\n')
    .slice(1)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

describe('renderNginxConfig', () => {
  it('sends traffic to the live colour’s private port on the loopback address', () => {
    const config = renderNginxConfig({ listenHost: '127.0.0.1', listenPort: 18080, upstreamPort: 18081 });
    const servers = block(config, 'upstream hermes_live').filter((line) => line.startsWith('server '));
    expect(servers).toEqual(['server 127.0.0.1:18081;']);
    expect(config).not.toContain(' down;');
    expect(config).toContain('proxy_pass http://hermes_live;');
  });

  it('before the first release has only a placeholder server marked down (nginx answers 502/503)', () => {
    const config = renderNginxConfig({ listenHost: '127.0.0.1', listenPort: 18080, upstreamPort: null });
    const servers = block(config, 'upstream hermes_live').filter((line) => line.startsWith('server '));
    expect(servers).toEqual(['server 127.0.0.1:9 down;']);
  });

  it('listens on the public host and port it is given', () => {
    const config = renderNginxConfig({ listenHost: '0.0.0.0', listenPort: 9443, upstreamPort: 18081 });
    expect(config).toMatch(/^\s*listen 0\.0\.0\.0:9443;$/m);
    expect(config.match(/^\s*listen /gm)).toHaveLength(1);
  });

  it('keeps upstream connections alive for less than the release’s 72 s keep-alive', () => {
    const upstream = block(
      renderNginxConfig({ listenHost: '127.0.0.1', listenPort: 18080, upstreamPort: 18081 }),
      'upstream hermes_live',
    );
    const timeout = upstream.find((line) => line.startsWith('keepalive_timeout '));
    const seconds = Number(/^keepalive_timeout (\d+)s;$/.exec(timeout ?? '')?.[1]);
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(72);
    expect(upstream).toContain('keepalive 32;');
  });

  it('never retries a non-idempotent request (a lead’s POST is sent once) and reuses upstream connections', () => {
    const config = renderNginxConfig({ listenHost: '127.0.0.1', listenPort: 18080, upstreamPort: 18081 });
    expect(config).not.toContain('non_idempotent');
    const location = block(config, 'location /');
    for (const line of location.filter((l) => l.startsWith('proxy_next_upstream')))
      expect(line).not.toContain('non_idempotent');
    // Keep-alive to the upstream needs HTTP/1.1 and no `Connection: close` passed on.
    expect(location).toContain('proxy_http_version 1.1;');
    expect(location).toContain('proxy_set_header Connection "";');
    expect(location).toContain('proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;');
  });

  it('keeps everything nginx writes under its own prefix (relative paths, its own pid file)', () => {
    const config = renderNginxConfig({ listenHost: '127.0.0.1', listenPort: 18080, upstreamPort: 18081 });
    expect(config).toMatch(/^pid nginx\.pid;$/m);
    expect(config).toMatch(/^error_log logs\/error\.log warn;$/m);
    const directives = ['pid', 'error_log', 'access_log', 'client_body_temp_path', 'proxy_temp_path'];
    const paths = config
      .split('\n')
      .map((line) => line.trim().split(' '))
      .filter(([name]) => directives.includes(name ?? '') || (name ?? '').endsWith('_temp_path'))
      .map(([, path]) => (path ?? '').replace(/;$/, ''));
    expect(paths.length).toBeGreaterThanOrEqual(7);
    for (const path of paths) expect(path.startsWith('/')).toBe(false);
  });
});
