import type { HermesConfig } from '../../../../config/schema.ts';
import { routeTable } from '../../../../intake/openapi/route-table.ts';

/** A lead reference no lead can have, for a path parameter. */
export const placeholderParam = 'HS-00000000-000000';

export interface AdminProbeRoute {
  method: 'GET' | 'POST';
  /** As the route table writes it (`/api/admin/leads/:leadId`). */
  route: string;
  /** What is requested: each path parameter replaced by the placeholder. */
  path: string;
}

/** Every admin route of the OpenAPI route table, so that a new one is probed without a change here. */
export function adminProbeRoutes(intake: HermesConfig['intake']): AdminProbeRoute[] {
  return routeTable(intake)
    .filter((route) => route.security === 'admin')
    .map((route) => ({
      method: route.method === 'POST' ? 'POST' : 'GET',
      route: route.path,
      path: route.path.replace(/:[A-Za-z_]\w*/g, placeholderParam),
    }));
}
