import { z } from 'zod';
import { deployBackupThresholds } from './deploy-backup-thresholds.ts';
import { deployHealthThresholds } from './deploy-health-thresholds.ts';
import { deployLoadThresholds } from './deploy-load-thresholds.ts';
import { deployMigrateThresholds } from './deploy-migrate-thresholds.ts';
import { durationMs } from './duration.ts';

/** The pipeline's first step: a passing pre-deploy run of the commit being deployed. */
const preDeploy = z
  .strictObject({
    /** A recorded passing run of the same commit younger than this counts (clean tree only). */
    maxAge: durationMs.prefault('24h'),
  })
  .prefault({});

/** Thresholds of the deploy stage's steps (`gates.thresholds.deploy`), one key per step gate. */
export const deployThresholds = z
  .strictObject({
    preDeploy,
    backup: deployBackupThresholds,
    migrate: deployMigrateThresholds,
    health: deployHealthThresholds,
    load: deployLoadThresholds,
  })
  .prefault({});
