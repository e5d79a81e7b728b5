import { main } from './main.ts';

/**
 * The entry of the staging and production bundles (bin/hermes.js does the same for the sources).
 * `hermes ... | head` closes the pipe early: that is the reader's choice, not an error.
 */
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
process.exitCode = await main(process.argv);
