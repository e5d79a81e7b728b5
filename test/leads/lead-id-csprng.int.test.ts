import { describe, expect, it, vi } from 'vitest';

// In the integration project, which gives each file its own modules: the unit project shares a
// module cache (isolate: false), where lead-id.ts may already be loaded with the real node:crypto.
// A spy that passes through: the test sees that ids come from the CSPRNG, and they still do.
const { randomInt } = vi.hoisted(() => ({ randomInt: vi.fn<(max: number) => number>() }));
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  randomInt.mockImplementation((max: number) => actual.randomInt(max));
  return { ...actual, randomInt };
});

import { generateLeadId } from '../../src/leads/lead-id.ts';

describe('lead ids', () => {
  it('draw each of their six characters from crypto.randomInt over all 32 symbols', () => {
    // Ids are not promised unique (the insert retries a taken one): they are promised unguessable.
    generateLeadId(new Date('2026-11-24T10:00:00Z'));
    expect(randomInt.mock.calls).toEqual(Array.from({ length: 6 }, () => [32]));
  });
});
