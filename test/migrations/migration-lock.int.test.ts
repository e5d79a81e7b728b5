import { describe, expect, it } from 'vitest';
import { MigrationError } from '../../src/migrations/migration-error.ts';
import { tryWithMigrationLock, withMigrationLock } from '../../src/migrations/migration-lock.ts';
import { initOpsSchema } from '../../src/ops/init-ops-schema.ts';
import { createTestDatabase } from '../support/test-database.ts';

/** Holds the migration lock (as a running `hermes migrate` does) until `release()` is called. */
async function holdMigrationLock(db: { pool: Parameters<typeof tryWithMigrationLock>[0] }) {
  let release!: () => void;
  let locked!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const holding = tryWithMigrationLock(db.pool, 1_000, async () => {
    locked();
    await released;
  });
  await isLocked;
  return {
    async release() {
      release();
      await holding;
    },
  };
}

describe('withMigrationLock (for callers that stop on a lock not had: `hermes ops init`)', () => {
  it('throws migration_lock_timeout without running the work while another session holds the lock', async () => {
    const db = await createTestDatabase();
    const holder = await holdMigrationLock(db);
    let ran = false;
    try {
      const refused = withMigrationLock(db.pool, 150, () => {
        ran = true;
        return Promise.resolve('done');
      });
      await expect(refused).rejects.toBeInstanceOf(MigrationError);
      await expect(refused).rejects.toMatchObject({
        code: 'migration_lock_timeout',
        message: 'another migration held the migration lock for more than 150 ms',
      });
      expect(ran).toBe(false);
    } finally {
      await holder.release();
    }
    // Once the lock is free, the work runs and its value comes back.
    await expect(withMigrationLock(db.pool, 150, () => Promise.resolve('done'))).resolves.toBe('done');
  });

  it('makes `hermes ops init` refuse, creating nothing, while a migration runs', async () => {
    const db = await createTestDatabase();
    const holder = await holdMigrationLock(db);
    try {
      await expect(
        initOpsSchema(db.pool, { dryRun: false, owners: [], lockWaitMs: 150 }),
      ).rejects.toMatchObject({
        code: 'migration_lock_timeout',
      });
    } finally {
      await holder.release();
    }
    const { rows } = await db.pool.query<{ schema: string | null }>(
      `SELECT to_regnamespace('hermes_ops')::text AS schema`,
    );
    expect(rows).toEqual([{ schema: null }]);
    // Without the other migration, the same call creates the ops schema.
    await expect(
      initOpsSchema(db.pool, { dryRun: false, owners: [], lockWaitMs: 150 }),
    ).resolves.toMatchObject({
      applied: true,
    });
    const after = await db.pool.query<{ schema: string | null }>(
      `SELECT to_regnamespace('hermes_ops')::text AS schema`,
    );
    expect(after.rows).toEqual([{ schema: 'hermes_ops' }]);
  });
});
