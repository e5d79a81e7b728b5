/**
 * The application_name of the service's sessions (pg_stat_activity): db.data-protection judges
 * the role these connect as, which is the service's, not the role of whoever runs the gate.
 */
export const serviceApplicationNames = {
  serve: 'hermes-serve',
  worker: 'hermes-worker',
  /** The delivery worker's LISTEN connection (src/delivery/outbox-listener.ts). */
  listener: 'hermes-delivery-listen',
} as const;
