import { z } from 'zod';
import { durationMs } from './duration.ts';

/** db.backup (`gates.thresholds.deploy.backup`): the pg_dump a deployment takes before it migrates. */
export const deployBackupThresholds = z
  .strictObject({
    /** pg_dump must finish within this; a slower dump is stopped, leaves nothing, and fails the step. */
    timeout: durationMs.prefault('30m'),
  })
  .prefault({});
