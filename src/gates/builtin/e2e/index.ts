import type { Gate } from '../../gate.ts';
import { e2eContactFormGate } from './contact-form.ts';

/** §3.1.1: the post-deploy stage's browser gates. */
export function e2eGates(): Gate[] {
  return [e2eContactFormGate];
}
