import { describe, expect, it } from 'vitest';
import { renderNginxConfig, type NginxSite } from '../../../src/deploy/local/nginx-config.ts';
import { servedUpstream } from '../../../src/deploy/local/nginx.ts';

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

const publicRoot = '/srv/hermes deploy/public';

/** The config for a site on 127.0.0.1:18080 sending to 18081, with `changes`. */
function render(changes: Partial<NginxSite> = {}): string {
  return renderNginxConfig({
    listenHost: '127.0.0.1',
    listenPort: 18080,
    upstreamPort: 18081,
    publicRoot,
    workerUser: null,
    maxBodyBytes: 32_768,
    ...changes,
  });
}

describe('renderNginxConfig', () => {
  it('refuses a body over the release’s own limit at the edge (413, not a 502 from a closed upstream)', () => {
    expect(render({ maxBodyBytes: 40_000 })).toContain('client_max_body_size 40000;');
  });

  it('sends traffic to the live colour’s private port on the loopback address', () => {
    const config = render();
    const servers = block(config, 'upstream hermes_live').filter((line) => line.startsWith('server '));
    expect(servers).toEqual(['server 127.0.0.1:18081;']);
    expect(config).not.toContain(' down;');
    expect(config).toContain('proxy_pass http://hermes_live;');
  });

  it('before the first release has only a placeholder server marked down (nginx answers 502/503)', () => {
    const config = render({ upstreamPort: null });
    const servers = block(config, 'upstream hermes_live').filter((line) => line.startsWith('server '));
    expect(servers).toEqual(['server 127.0.0.1:9 down;']);
  });

  it('listens on the public host and port it is given', () => {
    const config = render({ listenHost: '0.0.0.0', listenPort: 9443 });
    expect(config).toMatch(/^\s*listen 0\.0\.0\.0:9443;$/m);
    expect(config.match(/^\s*listen /gm)).toHaveLength(1);
  });

  it('keeps upstream connections alive for less than the release’s 72 s keep-alive', () => {
    const upstream = block(render(), 'upstream hermes_live');
    const timeout = upstream.find((line) => line.startsWith('keepalive_timeout '));
    const seconds = Number(/^keepalive_timeout (\d+)s;$/.exec(timeout ?? '')?.[1]);
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(72);
    expect(upstream).toContain('keepalive 32;');
  });

  it('never retries a non-idempotent request (a lead’s POST is sent once) and reuses upstream connections', () => {
    const config = render();
    expect(config).not.toContain('non_idempotent');
    // The server's own lines, which every location that proxies inherits.
    const server = block(config, 'server');
    for (const line of server.filter((l) => l.startsWith('proxy_next_upstream')))
      expect(line).not.toContain('non_idempotent');
    // Keep-alive to the upstream needs HTTP/1.1 and no `Connection: close` passed on.
    expect(server).toContain('proxy_http_version 1.1;');
    expect(server).toContain('proxy_set_header Connection "";');
    expect(server).toContain('proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;');
    expect(block(config, 'location /')).toEqual(['proxy_pass http://hermes_live;']);
    expect(block(config, 'location @release')).toEqual(['proxy_pass http://hermes_live;']);
  });

  it('serves /assets/ from the uploaded directory first, as immutable JavaScript and CSS, and any other name from the release', () => {
    const config = render();
    const start = config.indexOf('location /assets/ {');
    expect(start).toBeGreaterThan(0);
    const assets = config
      .slice(start, config.indexOf('\n    }', start))
      .split('\n')
      .map((line) => line.trim());
    expect(assets).toContain('root "/srv/hermes deploy/public";');
    expect(assets).toContain('try_files $uri @release;');
    expect(assets).toEqual(expect.arrayContaining(['text/javascript js;', 'text/css css;']));
    expect(assets).toContain('charset_types text/javascript text/css;');
    expect(assets).toContain('add_header Cache-Control "public, max-age=31536000, immutable";');
    expect(assets).toContain('add_header X-Content-Type-Options nosniff;');
    expect(assets).toContain('add_header Access-Control-Allow-Origin "*";');
    expect(assets.some((line) => line.startsWith('proxy_pass'))).toBe(false);
  });

  it('names the workers’ user only when told (nginx started by root), before anything else is read', () => {
    expect(render()).not.toMatch(/^user /m);
    expect(render({ workerUser: 'root' })).toMatch(/^daemon on;\nuser root;\npid nginx\.pid;$/m);
  });

  it('refuses a public directory nginx would read wrongly, naming the setting', () => {
    for (const bad of ['/srv/a"b', '/srv/a\\b', '/srv/$dir', '/srv/a\nb'])
      expect(() => render({ listenPort: 1, upstreamPort: null, publicRoot: bad })).toThrow(
        /nginx cannot be given a path .*\(deploy\.local\.dir\)$/,
      );
  });

  it('keeps everything nginx writes under its own prefix (relative paths, its own pid file)', () => {
    const config = render();
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

  it('reads back the live colour’s port from a config it wrote, and none from the placeholder', () => {
    expect(servedUpstream(render({ upstreamPort: 18_082 }))).toBe(18_082);
    expect(servedUpstream(render({ upstreamPort: null }))).toBeNull();
    expect(servedUpstream('# not ours\n')).toBeNull();
  });
});
