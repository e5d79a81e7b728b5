import type { Command } from 'commander';
import { HermesError } from '../../../errors/hermes-error.ts';
import { resolveDataKeys } from '../../../leads/encryption/resolve-data-keys.ts';
import { keyCensus, rotateDataKeys, type KeyCensus } from '../../../leads/encryption/rotate-data-keys.ts';
import type { CliContext } from '../../context.ts';
import { plural } from '../../../text/plural.ts';
import { integerFrom } from '../../parse-values.ts';
import { withDatabase } from '../../with-database.ts';

function describeCensus(census: KeyCensus): string {
  const others = Object.entries(census.otherKeyValues).map(([id, n]) => `${n} under key "${id}"`);
  const parts = [`${census.plaintextValues} plaintext`, ...others];
  return `${plural(census.pendingRows, 'row')} not under the current key (values: ${parts.join(', ')})`;
}

/**
 * `hermes keys rotate`: puts every stored phone number and problem description under the current
 * data key (the first of HERMES_DATA_KEY): the batch migration that encrypts rows written before
 * encryption, and the re-encryption after a new key was put first.
 */
export function registerKeys(keys: Command, ctx: CliContext): void {
  keys
    .command('rotate')
    .description(
      "encrypt plaintext and re-encrypt other keys' values of phone_number and problem_description under the current data key, in batches; resumable",
    )
    .option('--batch-size <n>', 'rows per transaction (default 500)', integerFrom(1, 10_000))
    .option('--dry-run', 'only count what would be encrypted or re-encrypted')
    .action((opts: { batchSize?: number; dryRun?: boolean }) => {
      const { ring } = resolveDataKeys(ctx.config());
      return withDatabase(ctx, async (db) => {
        if (opts.dryRun) {
          const census = await keyCensus(db.pool, ring);
          ctx.output.result({ current_key_id: ring.current.id, dry_run: true, ...census }, () =>
            ctx.output.line(`would rotate to key "${ring.current.id}": ${describeCensus(census)}`),
          );
          return;
        }
        const result = await rotateDataKeys(db.pool, ring, {
          batchSize: opts.batchSize ?? 500,
          onBatch: (batch, rows) =>
            ctx.output.error(`hermes: batch ${batch}: ${plural(rows, 'row')} updated`),
        });
        ctx.output.result(result, () => {
          const reencrypted = Object.entries(result.reencrypted).map(([id, n]) => `${n} from key "${id}"`);
          ctx.output.line(
            `key "${result.currentKeyId}": ${plural(result.rowsUpdated, 'row')} updated in ${plural(result.batches, 'batch', 'batches')}: ${result.encrypted} plaintext values encrypted, ${reencrypted.length > 0 ? reencrypted.join(', ') : '0 values'} re-encrypted`,
          );
          ctx.output.line(
            result.remaining.pendingRows === 0
              ? 'nothing left to rotate'
              : `left: ${describeCensus(result.remaining)}; run again (a row locked at the time is taken next run)`,
          );
        });
        if (result.undecryptable.length > 0)
          throw new HermesError(
            'data_undecryptable',
            `${plural(result.undecryptable.length, 'lead')} could not be decrypted with the configured keys and were left as they are`,
            { details: result.undecryptable.slice(0, 20) },
          );
      });
    });
}
