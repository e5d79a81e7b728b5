/**
 * What `hermes deliveries` shows: `failed` is a pending row whose last attempt failed (it will be
 * retried); `pending` has not been attempted since it was written or replayed.
 */
export type DeliveryStatus = 'pending' | 'failed' | 'dead' | 'delivered';

export const deliveryStatuses: readonly DeliveryStatus[] = ['pending', 'failed', 'dead', 'delivered'];

/** The SQL expression of a row's DeliveryStatus (`o`: hermes_outbox). */
export const deliveryStatusSql = `CASE WHEN o.status = 'pending' AND o.attempts > 0 THEN 'failed' ELSE o.status END`;
