#!/usr/bin/env node
// The TypeScript sources run as they are (tsx), so `npx hermes` works right after `npm ci`.
import { register } from 'tsx/esm/api';

// `hermes ... | head` closes the pipe early: that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
