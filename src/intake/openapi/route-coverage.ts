import type { RouteDoc } from './route-doc.ts';

export interface RegisteredRoute {
  readonly method: string;
  readonly url: string;
}

/** Methods Fastify and its plugins add on their own (HEAD beside each GET, CORS preflights). */
const implied = new Set(['HEAD', 'OPTIONS']);

const keyOf = (method: string, url: string) => `${method} ${url}`;

/**
 * How the route table and the routes Fastify registered differ: a registered route the document
 * lacks (`undocumented`), and a documented one that no longer exists (`unregistered`).
 */
export function routeCoverage(
  registered: readonly RegisteredRoute[],
  documented: readonly Pick<RouteDoc, 'method' | 'path'>[],
): { undocumented: string[]; unregistered: string[] } {
  const served = new Set(
    registered.filter((route) => !implied.has(route.method)).map((route) => keyOf(route.method, route.url)),
  );
  const described = new Set(documented.map((route) => keyOf(route.method, route.path)));
  return {
    undocumented: [...served].filter((key) => !described.has(key)).sort(),
    unregistered: [...described].filter((key) => !served.has(key)).sort(),
  };
}
