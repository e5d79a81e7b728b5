import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasCode } from '../../../src/errors/hermes-error.ts';
import {
  emptyLocalState,
  readLocalState,
  withColour,
  writeLocalState,
  type ColourSlot,
  type LocalState,
} from '../../../src/deploy/local/local-state.ts';
import { afterThisTest } from '../../support/after-this-test.ts';

const blue: ColourSlot = {
  deploymentId: '3f2b8c1a-9d4e-4f6a-8b7c-1d2e3f4a5b6c',
  version: '1.0.0+abc1234',
  releaseDir: '/srv/hermes/releases/1.0.0+abc1234-3f2b8c1a',
  port: 18081,
  pid: 4242,
  startTicks: '123456',
};

function stateFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-local-state-'));
  afterThisTest(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'deep', 'local-target.json');
}

function failureOf(read: () => unknown): Error {
  try {
    read();
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error('expected an error');
}

describe('the local target’s state', () => {
  it('is empty before anything was written', () => {
    expect(readLocalState(stateFile())).toEqual({ live: null, colours: { blue: null, green: null } });
    expect(emptyLocalState).toEqual({ live: null, colours: { blue: null, green: null } });
  });

  it('reads back what was written, its directory made as needed', () => {
    const file = stateFile();
    const state: LocalState = {
      live: 'blue',
      colours: { blue, green: { ...blue, port: 18082, pid: null, startTicks: null, deploymentId: null } },
    };
    writeLocalState(file, state);
    expect(readLocalState(file)).toEqual(state);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(state);
  });

  it('is written whole and renamed into place: no temporary file is left beside it', () => {
    const file = stateFile();
    writeLocalState(file, emptyLocalState);
    writeLocalState(file, withColour(emptyLocalState, 'green', blue));
    const dir = join(file, '..');
    expect(readdirSync(dir)).toEqual(['local-target.json']);
    expect(readFileSync(file, 'utf8').endsWith('}\n')).toBe(true);
    expect(readLocalState(file).colours.green).toEqual(blue);
  });

  it('refuses a file of another shape with deploy_target_failed, naming the file', () => {
    const file = stateFile();
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, JSON.stringify({ live: 'red', colours: { blue: null, green: null } }));
    const wrongColour = failureOf(() => readLocalState(file));
    expect(hasCode(wrongColour, 'deploy_target_failed')).toBe(true);
    expect(wrongColour.message).toContain(`${file} is not the local target's state`);

    writeFileSync(
      file,
      JSON.stringify({ live: null, colours: { blue: { ...blue, extra: 1 }, green: null } }),
    );
    expect(
      hasCode(
        failureOf(() => readLocalState(file)),
        'deploy_target_failed',
      ),
    ).toBe(true);
  });

  it('refuses a file that is not JSON with deploy_target_failed, naming the file', () => {
    const file = stateFile();
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, '{"live": "blue", "colours": {');
    const error = failureOf(() => readLocalState(file));
    expect(hasCode(error, 'deploy_target_failed')).toBe(true);
    expect(error.message).toContain(`${file} is not the local target's state`);
  });

  it('says which file it cannot read when it is not a file', () => {
    const file = stateFile();
    mkdirSync(file, { recursive: true });
    const error = failureOf(() => readLocalState(file));
    expect(hasCode(error, 'deploy_target_failed')).toBe(true);
    expect(error.message).toContain(`cannot read the local target's state ${file}`);
  });

  it('changes one colour and leaves the rest (withColour)', () => {
    const state: LocalState = { live: 'blue', colours: { blue, green: null } };
    const next = withColour(state, 'green', { ...blue, port: 18082 });
    expect(next).toEqual({ live: 'blue', colours: { blue, green: { ...blue, port: 18082 } } });
    expect(state.colours.green).toBeNull();
    expect(withColour(next, 'blue', null).colours).toEqual({ blue: null, green: { ...blue, port: 18082 } });
  });
});
