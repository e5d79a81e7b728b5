import { Command, CommanderError } from 'commander';
import { hermesVersion } from '../observability/version.ts';
import { registerServe } from './commands/serve/index.ts';
import { registerWorker } from './commands/worker/index.ts';
import { createContext, type CliContext, type GlobalOptions } from './context.ts';
import { nameBadValues } from './name-bad-values.ts';
import { nonEmpty } from './parse-values.ts';
import { commandPath, commanderUsageError } from './usage-error.ts';

export interface Program {
  command: Command;
  context: CliContext;
  /**
   * Declares the subcommands of every group the command line names, before it is parsed (so
   * `hermes help gates` sees them too). Any argument equal to a group's name counts: a group
   * declared for nothing (`hermes -c gates ...`) only costs the time to declare it.
   */
  readonly declareGroupsNamedIn: (args: readonly string[]) => Promise<void>;
}

type Register = (command: Command, ctx: CliContext) => void;

/**
 * A top-level command. A leaf (`serve`, `worker`) is declared at start-up, its options shown in
 * `hermes --help`, and loads its code in its action. A group's subcommands are declared only when
 * the command line names the group: `hermes --help` and `hermes config print` load no gate, no
 * migrator, no HTTP server.
 */
type TopCommand =
  { name: string; register: Register } | { name: string; description: string; load: () => Promise<Register> };

// In the order `hermes --help` lists them.
const topCommands: readonly TopCommand[] = [
  { name: 'serve', register: registerServe },
  {
    name: 'migrate',
    description: 'apply, revert and check the SQL migrations',
    load: async () => (await import('./commands/migrate/index.ts')).registerMigrate,
  },
  {
    name: 'config',
    description: 'inspect the effective configuration',
    load: async () => (await import('./commands/config/index.ts')).registerConfig,
  },
  {
    name: 'gates',
    description: 'quality gates: list, run a stage, explain, validate, history',
    load: async () => (await import('./commands/gates/index.ts')).registerGates,
  },
  {
    name: 'deploy',
    description: 'deploy a release (build, backup, migrate, switch, check, load); status; stop',
    load: async () => (await import('./commands/deploy/index.ts')).registerDeploy,
  },
  {
    name: 'assets',
    description: "the release's browser assets: their manifest (hashes, SRI, versioned URLs)",
    load: async () => (await import('./commands/assets/index.ts')).registerAssets,
  },
  {
    name: 'deployments',
    description: 'the deployments ledger: list, show one',
    load: async () => (await import('./commands/deployments/index.ts')).registerDeployments,
  },
  {
    name: 'leads',
    description: 'look up, export, erase and expire leads (GDPR); every call is audited',
    load: async () => (await import('./commands/leads/index.ts')).registerLeads,
  },
  { name: 'worker', register: registerWorker },
  {
    name: 'deliveries',
    description: 'see and replay the deliveries of leads to n8n',
    load: async () => (await import('./commands/deliveries/index.ts')).registerDeliveries,
  },
  {
    name: 'keys',
    description: 'the data keys: re-encrypt stored phone numbers and descriptions under the current key',
    load: async () => (await import('./commands/keys/index.ts')).registerKeys,
  },
  {
    name: 'ops',
    description: "Hermes's own operations tables on this database",
    load: async () => (await import('./commands/ops/index.ts')).registerOps,
  },
  {
    name: 'completion',
    description: 'print a completion script for bash or zsh',
    load: async () => (await import('./commands/completion/index.ts')).registerCompletion,
  },
];

/**
 * Every value is checked while the command line is parsed: before any action opens anything.
 * Commander prints nothing on stderr (no `error:` line, no help after it): each refusal becomes a
 * UsageError that `main` prints as Hermes's one line (or JSON). `--help` and `--version` still
 * write to stdout and exit 0. Applied to every command, lazily declared ones too: commander copies
 * these settings only to the subcommands declared after them.
 */
function prepareForParse(command: Command): void {
  command.exitOverride((error: CommanderError) => {
    if (error.exitCode === 0) throw error;
    throw commanderUsageError(error, command);
  });
  command.configureOutput({ writeErr: () => undefined, outputError: () => undefined });
  command.showHelpAfterError(false);
  nameBadValues(command);
}

/** `hermes --version` / `hermes -V`, alone: the version, printed before anything is parsed. */
export function versionAsked(args: readonly string[]): string | null {
  return args.length === 1 && (args[0] === '--version' || args[0] === '-V') ? hermesVersion : null;
}

/** `hermes` and its commands, sharing one context. */
export function buildProgram(): Program {
  const command = new Command('hermes')
    .description('Hermes: lead intake with guaranteed delivery to n8n, and deployment quality gates')
    // -V/--version is answered before parsing (versionAsked): declared here, commander would take
    // `hermes deploy --version V` as the program's own --version anywhere on the line.
    .addHelpText('after', '\nAlso: -V, --version  print the version')
    .option(
      '-c, --config <path>',
      'hermes.yaml to use (default: $HERMES_CONFIG, else ./hermes.yaml if present)',
      nonEmpty('a file path'),
    )
    .option('--json', 'print results as JSON')
    .option('--verbose', 'print stack traces of unexpected errors');

  const context = createContext(() => command.opts<GlobalOptions>());
  const groups = new Map<string, () => Promise<Register>>();
  for (const top of topCommands) {
    if ('register' in top) top.register(command, context);
    else {
      command.command(top.name).description(top.description);
      groups.set(top.name, top.load);
    }
  }
  applyToAll(command, prepareForParse);

  const declareGroupsNamedIn = async (args: readonly string[]): Promise<void> => {
    for (const group of command.commands) {
      const load = groups.get(group.name());
      if (!load || group.commands.length > 0 || !args.includes(group.name())) continue;
      (await load())(group, context);
      // The group too: the options it declares on itself (`hermes deploy --env`) came after the
      // first pass, so their parsers would report commander's own line, which echoes the value.
      applyToAll(group, prepareForParse);
    }
  };
  // Loads the config reader before any action runs, so that `ctx.loaded()` stays synchronous, and
  // names the command that runs (`leads show`, without the program's name).
  command.hook('preAction', (_program, action) =>
    context.prepare(commandPath(action).split(' ').slice(1).join(' ')),
  );
  return { command, context, declareGroupsNamedIn };
}

function applyToAll(command: Command, apply: (c: Command) => void): void {
  apply(command);
  for (const sub of command.commands) applyToAll(sub, apply);
}
