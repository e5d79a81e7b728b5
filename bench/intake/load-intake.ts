import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { validLead } from '../../test/intake/support/valid-lead.ts';

export interface IntakeLoadResult {
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
  requests: number;
}

const clusterEntry = fileURLToPath(new URL('./cluster-serve.ts', import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** `hermes serve` (in `workers` processes sharing the port) on `databaseUrl`, ready to take load. */
async function startServe(
  databaseUrl: string,
  workers: number,
): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', clusterEntry, '--port', String(port)], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      HERMES_BENCH_WORKERS: String(workers),
      HERMES_RATE_LIMIT: 'off',
      HERMES_MIN_FILL_MS: '0',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('cluster listening')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`hermes serve exited with ${code}`)));
  });
  return { child, port };
}

/** autocannon against POST /api/contact with a distinct valid lead per request (the tests' leads). */
export async function loadIntake(
  databaseUrl: string,
  options: { connections: number; seconds: number; workers: number },
): Promise<IntakeLoadResult> {
  const { child, port } = await startServe(databaseUrl, options.workers);
  try {
    const url = `http://127.0.0.1:${port}`;
    // Warm up (JIT, pool connections) before measuring.
    await autocannon({ url: `${url}/health`, connections: options.connections, duration: 1 });
    const result = await autocannon({
      url: `${url}/api/contact`,
      connections: options.connections,
      duration: options.seconds,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      requests: [{ setupRequest: (request) => ({ ...request, body: JSON.stringify(validLead()) }) }],
    });
    return {
      reqPerSec: result.requests.average,
      p50Ms: result.latency.p50,
      p99Ms: result.latency.p99,
      errors: result.errors + result.timeouts,
      non2xx: result.non2xx,
      requests: result.requests.total,
    };
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
}
