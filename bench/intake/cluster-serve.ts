// `hermes serve` in several processes sharing one port (node:cluster): on a 2-core machine one
// Node process cannot keep PostgreSQL busy. Workers: HERMES_BENCH_WORKERS (default: the cores).
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';

const workers = Number(process.env.HERMES_BENCH_WORKERS ?? availableParallelism());

if (cluster.isPrimary) {
  let listening = 0;
  cluster.on('listening', () => {
    if (++listening === workers) console.log(`cluster listening: ${workers} workers`);
  });
  for (let i = 0; i < workers; i++) cluster.fork();
  // Each worker is a `hermes serve`: SIGTERM makes it finish its requests and exit.
  process.once('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  });
  let exited = 0;
  cluster.on('exit', () => {
    if (++exited === workers) process.exit(0);
  });
} else {
  const { main } = await import('../../src/cli/main.ts');
  process.exitCode = await main([process.execPath, 'hermes', 'serve', ...process.argv.slice(2)]);
  // The IPC channel to the primary would keep this process alive after `serve` returned.
  cluster.worker?.disconnect();
}
