import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { HermesConfig } from '../../config/schema.ts';
import { hermesVersion } from '../../observability/version.ts';
import { openApiDocument } from '../openapi/build-document.ts';
import type { RegisteredRoute } from '../openapi/route-coverage.ts';
import { routeTable } from '../openapi/route-table.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered after `routeRecorder`, as Fastify saw it: what /openapi.json is held to. */
    registeredRoutes: readonly RegisteredRoute[];
  }
}

/**
 * Lists every route registered after it (registered first, so that the list is whole); the tests
 * compare it with the route table, so that a route without documentation fails them.
 */
export const routeRecorder = fp(
  (app: FastifyInstance, _options: unknown, done: (err?: Error) => void) => {
    const registered: RegisteredRoute[] = [];
    app.decorate('registeredRoutes', registered);
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) registered.push({ method, url: route.url });
    });
    done();
  },
  { name: 'hermes-route-recorder' },
);

export interface OpenApiOptions {
  intake: HermesConfig['intake'];
}

/**
 * `GET /openapi.json`: the OpenAPI 3.1 document of every route, built once from the route table
 * (src/intake/openapi/). Registered after the edge's hooks, so that it is answered as every route.
 */
export function openApiPlugin(
  app: FastifyInstance,
  options: OpenApiOptions,
  done: (err?: Error) => void,
): void {
  const document = JSON.stringify(openApiDocument(routeTable(options.intake), { version: hermesVersion }));
  app.get('/openapi.json', (_request, reply) => reply.type('application/json; charset=utf-8').send(document));
  done();
}
