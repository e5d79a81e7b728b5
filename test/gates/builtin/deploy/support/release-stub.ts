import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';

/** How the stub release misbehaves; each POST replaces the previous behaviour and its leak. */
export interface StubBehaviour {
  /**
   * Paths answering `status` (default 503) with `body`, or dropping the connection, until
   * `okAfterMs` after the behaviour was set (never, unset); then they answer as usual.
   */
  failing?: Record<string, { status?: number; body?: unknown; drop?: boolean; okAfterMs?: number }>;
  /** Paths other than /health*, /readyz and /metrics wait this long before answering. */
  delayMs?: number;
  /** Their status (default 200). */
  status?: number;
  /** Heap really retained per second (MB/s) while this behaviour holds. */
  leakMbPerSecond?: number;
  /** /metrics answers 404. */
  noMetrics?: boolean;
}

export interface ReleaseStub {
  readonly url: string;
  behave(behaviour: StubBehaviour): Promise<void>;
}

const entry = fileURLToPath(new URL('./release-stub-server.ts', import.meta.url));
const listening = /stub listening on (http:\/\/\S+)/;

/** One stub release process for the file's tests: started before them, ended after them. */
export function useReleaseStub(): ReleaseStub {
  let url = '';
  let stop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<void>((done) => child.on('exit', () => done()));
    stop = async () => {
      child.kill('SIGTERM');
      await exited;
    };
    let output = '';
    url = await new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const found = listening.exec(output)?.[1];
        if (found) resolve(found);
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      void exited.then(() => reject(new Error(`the stub release exited before it listened:\n${output}`)));
    });
  }, 30_000);
  afterAll(async () => {
    await stop?.();
  });
  return {
    get url() {
      return url;
    },
    async behave(behaviour) {
      const response = await fetch(`${url}/__stub`, { method: 'POST', body: JSON.stringify(behaviour) });
      if (response.status !== 204)
        throw new Error(`the stub refused its behaviour: ${String(response.status)}`);
    },
  };
}
