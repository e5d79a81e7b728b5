import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { HermesError } from '../../errors/hermes-error.ts';
import { errorMessage } from '../../errors/error-message.ts';
import { colours, type Colour } from './local-layout.ts';

const colourSlot = z.strictObject({
  deploymentId: z.uuid().nullable(),
  version: z.string(),
  /** The release's own directory (a copy of the bundle), which the process runs from. */
  releaseDir: z.string(),
  port: z.int(),
  /** The running process, with its start time to tell a reused pid apart; null when stopped. */
  pid: z.int().nullable(),
  startTicks: z.string().nullable(),
});
export type ColourSlot = z.output<typeof colourSlot>;

const localState = z.strictObject({
  /** The colour nginx sends traffic to; null before the first activation. */
  live: z.enum(colours).nullable(),
  colours: z.strictObject({ blue: colourSlot.nullable(), green: colourSlot.nullable() }),
});
export type LocalState = z.output<typeof localState>;

export const emptyLocalState: LocalState = { live: null, colours: { blue: null, green: null } };

/** The target's state; the empty state when there is none yet. */
export function readLocalState(file: string): LocalState {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyLocalState;
    throw new HermesError(
      'deploy_target_failed',
      `cannot read the local target's state ${file}: ${errorMessage(error)}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new HermesError(
      'deploy_target_failed',
      `${file} is not the local target's state: ${errorMessage(error)}`,
    );
  }
  const parsed = localState.safeParse(json);
  if (!parsed.success)
    throw new HermesError(
      'deploy_target_failed',
      `${file} is not the local target's state: ${parsed.error.message}`,
    );
  return parsed.data;
}

/** Written whole and renamed into place, so a reader never sees half a state. */
export function writeLocalState(file: string, state: LocalState): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${String(process.pid)}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temporary, file);
}

export function withColour(state: LocalState, colour: Colour, slot: ColourSlot | null): LocalState {
  return { ...state, colours: { ...state.colours, [colour]: slot } };
}
