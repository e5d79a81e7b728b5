import { HermesError } from '../../errors/hermes-error.ts';

export interface NginxSite {
  /** Where nginx listens: the public URL. */
  listenHost: string;
  listenPort: number;
  /** The live colour's private port; null before the first release (nginx answers 503). */
  upstreamPort: number | null;
  /** The directory whose `assets/` nginx serves first under `/assets/` (what assets:validate uploads). */
  publicRoot: string;
  /**
   * The workers' user when nginx is started by root (else nginx ignores it): root's own, since a
   * worker of nginx's default `nobody` cannot read a directory under a home of mode 0700.
   */
  workerUser: string | null;
  /**
   * The release's body limit (server.bodyLimitBytes): nginx refuses a larger body itself (413).
   * Past nginx, the release answers 413 before it has read the body and closes, and nginx, still
   * sending it, answered the client 502 instead.
   */
  maxBodyBytes: number;
}

/** A path as an nginx string: quoted, so a space cannot end it; a quote or newline cannot be written. */
export function nginxPath(path: string): string {
  if (/["\\\n\r$]/.test(path))
    throw new HermesError(
      'deploy_target_failed',
      `${path}: nginx cannot be given a path with a quote, backslash, $ or newline (deploy.local.dir)`,
    );
  return `"${path}"`;
}

/**
 * nginx's whole config for the local target, relative to its own prefix (`nginx -p`), so that it
 * never reads or writes anything of the system's nginx.
 *
 * - Upstream keepalive (60 s) is shorter than the release's keepAliveTimeout (Fastify's 72 s), so
 *   nginx never reuses a connection the release is closing.
 * - `proxy_next_upstream` stays nginx's default (error and timeout, never a non-idempotent
 *   request): a POST of a lead is never sent twice.
 * - Headers of the client's address are passed on for the intake's rate limits.
 * - A reload closes the old workers' idle client connections: a client that sends on one at that
 *   instant sees it closed before any answer (nothing was processed), which browsers retry.
 * - `/assets/` is served from the uploaded directory first, so a release's versioned assets answer
 *   before it is live (assets:validate fetches them back then) and stay for the releases after it
 *   (a page cached from the previous one still loads its own); any other name goes to the release.
 */
export function renderNginxConfig(site: NginxSite): string {
  const upstream =
    site.upstreamPort === null
      ? '    # no release yet\n    server 127.0.0.1:9 down;'
      : `    server 127.0.0.1:${String(site.upstreamPort)};`;
  return `# Written by hermes deploy (local target); rewritten on every switch.
daemon on;
${site.workerUser === null ? '' : `user ${site.workerUser};\n`}pid nginx.pid;
error_log logs/error.log warn;
worker_processes 1;

events {
  worker_connections 1024;
}

http {
  access_log logs/access.log;
  client_body_temp_path temp/client;
  proxy_temp_path temp/proxy;
  fastcgi_temp_path temp/fastcgi;
  uwsgi_temp_path temp/uwsgi;
  scgi_temp_path temp/scgi;
  server_tokens off;

  upstream hermes_live {
${upstream}
    keepalive 32;
    keepalive_timeout 60s;
  }

  server {
    listen ${site.listenHost}:${String(site.listenPort)};
    client_max_body_size ${String(site.maxBodyBytes)};
    # nginx's default closes a client connection after 1000 requests; a load client that sends its
    # next request before it reads that close sees an error (measured: 1 per 1000 per connection).
    keepalive_requests 100000;

    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host $http_host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;
    proxy_connect_timeout 5s;
    proxy_read_timeout 60s;

    location / {
      proxy_pass http://hermes_live;
    }

    location /assets/ {
      root ${nginxPath(site.publicRoot)};
      types {
        text/javascript js;
        text/css css;
      }
      default_type application/octet-stream;
      charset utf-8;
      charset_types text/javascript text/css;
      # A versioned name never changes content; SRI from another origin needs CORS.
      add_header Cache-Control "public, max-age=31536000, immutable";
      add_header X-Content-Type-Options nosniff;
      add_header Access-Control-Allow-Origin "*";
      try_files $uri @release;
    }

    location @release {
      proxy_pass http://hermes_live;
    }
  }
}
`;
}
