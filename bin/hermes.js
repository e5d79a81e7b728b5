#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sourceStamp } from './source-stamp.js';

// `hermes ... | head` closes the pipe early: that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

/**
 * dist/ when `npm run build` made it from exactly the sources in src/ (it starts in about half
 * the time); otherwise the TypeScript sources as they are, through tsx, so `npx hermes` works
 * right after `npm ci` and an edit is never shadowed by an old build.
 */
function compiledEntry() {
  if (process.env.HERMES_FROM_SOURCE === '1') return undefined;
  const root = fileURLToPath(new URL('..', import.meta.url));
  let recorded;
  try {
    recorded = JSON.parse(readFileSync(`${root}dist/build-info.json`, 'utf8')).sourceStamp;
  } catch {
    return undefined;
  }
  const current = sourceStamp(root);
  return current === undefined || current === recorded ? '../dist/cli/main.js' : undefined;
}

const entry = compiledEntry();
let main;
if (entry) ({ main } = await import(entry));
else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv);
