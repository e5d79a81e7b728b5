import type { Gate } from '../../gate.ts';
import { resourcesGate } from './resources.ts';
import { responseTimesGate } from './response-times.ts';

/** §3.2: the post-deploy stage's performance monitors, read from the release's /metrics. */
export function perfGates(): Gate[] {
  return [responseTimesGate, resourcesGate];
}
