import { writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { HermesError } from '../../../errors/hermes-error.ts';
import { countLeadsOlderThan } from '../../../leads/count-leads-older-than.ts';
import { resolveDataKeys } from '../../../leads/encryption/resolve-data-keys.ts';
import { eraseSubject } from '../../../leads/erase-subject.ts';
import { exportSubjectData } from '../../../leads/export-subject-data.ts';
import { runRetention } from '../../../leads/run-retention.ts';
import { showLead } from '../../../leads/show-lead.ts';
import { confirm, confirmationFacts, decideConfirmation, processTerminal } from '../../confirm.ts';
import type { CliContext } from '../../context.ts';
import { parseEmail } from '../../parse-email.ts';
import { integerFrom, nonEmpty, parseLeadId } from '../../parse-values.ts';
import { withDatabase } from '../../with-database.ts';

const actor = () => `cli:${userInfo().username}`;

/** export/erase of an address without leads: as `leads show` of an unknown reference, exit 1. */
const nothingHeld = () => new HermesError('subject_not_found', 'no lead held for this address');

/** `hermes leads show|export|erase|retention`: the GDPR operations, each audited in hermes_ops.audit_log. */
export function registerLeads(leads: Command, ctx: CliContext): void {
  leads
    .command('show')
    .description('print one lead by its reference')
    .argument('<lead_id>', 'the reference, e.g. HS-20261124-7KQ2M9', parseLeadId)
    .action((leadId: string) =>
      withDatabase(ctx, async (db) => {
        const lead = await showLead(db.pool, resolveDataKeys(ctx.config()).ring, actor(), leadId);
        if (!lead) throw new HermesError('lead_not_found', `no lead ${leadId}`);
        ctx.output.result(lead, () => {
          for (const [key, value] of Object.entries(lead)) {
            ctx.output.line(
              `${key.padEnd(23)} ${value instanceof Date ? value.toISOString() : String(value)}`,
            );
          }
        });
      }),
    );

  leads
    .command('export')
    .description('all data held for an email address, as JSON (GDPR art. 15)')
    .requiredOption('--email <email>', 'the data subject', parseEmail)
    .option('--out <file>', 'write the JSON to this file instead of stdout', nonEmpty('a file path'))
    .action((opts: { email: string; out?: string }) =>
      withDatabase(ctx, async (db) => {
        const data = await exportSubjectData(
          db.pool,
          resolveDataKeys(ctx.config()).ring,
          actor(),
          opts.email,
        );
        // A lookup that finds nothing exits 1 (audited as not_found); --out then writes no file.
        if (data.leads.length === 0) throw nothingHeld();
        const json = `${JSON.stringify(data, null, 2)}\n`;
        if (opts.out) {
          await writeFile(opts.out, json, { mode: 0o600 });
          ctx.output.error(
            `hermes: wrote ${data.leads.length} lead${data.leads.length === 1 ? '' : 's'} to ${opts.out}`,
          );
        } else ctx.output.line(json.trimEnd());
      }),
    );

  leads
    .command('erase')
    .description('anonymise every lead of an email address (GDPR art. 17); rows and audit trail are kept')
    .requiredOption('--email <email>', 'the data subject', parseEmail)
    .option('--yes', 'erase without asking (needed when not on a terminal, and in production)')
    .action(async (opts: { email: string; yes?: boolean }) => {
      const terminal = processTerminal();
      const facts = confirmationFacts(terminal, opts, ctx.config().environment, true);
      const decision = decideConfirmation(facts);
      const action = {
        action: `erase every lead of ${opts.email} (this cannot be undone)`,
        hasDryRun: false,
      };
      if (decision !== 'run' && !(await confirm(decision, facts, action, terminal))) return;
      await withDatabase(ctx, async (db) => {
        const ids = await eraseSubject(db.pool, actor(), opts.email);
        if (ids.length === 0) throw nothingHeld();
        ctx.output.result({ erased: ids.length, lead_ids: ids }, () =>
          ctx.output.line(`erased ${ids.length} lead${ids.length === 1 ? '' : 's'}: ${ids.join(', ')}`),
        );
      });
    });

  leads
    .command('retention')
    .description('anonymise leads older than admin.retentionDays and forget expired Idempotency-Keys')
    .option('--older-than-days <days>', 'override admin.retentionDays', integerFrom(1, 36_500))
    .option('--dry-run', 'only count what would be anonymised')
    .action((opts: { olderThanDays?: number; dryRun?: boolean }) => {
      const config = ctx.config();
      const days = opts.olderThanDays ?? config.admin.retentionDays;
      return withDatabase(ctx, async (db) => {
        if (opts.dryRun) {
          const due = await countLeadsOlderThan(db.pool, days);
          ctx.output.result({ older_than_days: days, would_anonymise: due }, () =>
            ctx.output.line(`${due} lead${due === 1 ? '' : 's'} older than ${days} days would be anonymised`),
          );
          return;
        }
        const result = await runRetention(db.pool, actor(), days, config.intake.idempotencyTtlHours);
        ctx.output.result({ older_than_days: days, anonymised: result.lead_ids.length, ...result }, () =>
          ctx.output.line(
            `anonymised ${result.lead_ids.length} lead${result.lead_ids.length === 1 ? '' : 's'} older than ${days} days; forgot ${result.idempotency_keys_purged} expired idempotency keys and ${result.form_tokens_purged} expired form tokens`,
          ),
        );
      });
    });
}
