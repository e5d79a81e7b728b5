import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { performanceGate } from '../../../src/gates/builtin/tests/performance.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { gateContext, makeProject, unreachableUrl } from './support/gate-context.ts';

// Another project's service: answers every request at once, prints its URL as `hermes serve` does.
const server = `import { createServer } from 'node:http';
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
});
server.listen(Number(process.env.PORT ?? '0'), process.env.HOST ?? '127.0.0.1', () => {
  console.log('listening on http://127.0.0.1:' + String(server.address().port));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

describe('tests.performance on a project that is not Hermes', () => {
  let db: TestDatabase;
  const project = makeProject({
    'package.json': '{"name":"shop","private":true,"type":"module"}\n',
    'server.mjs': server,
    'db/migrations/0001_create_customers.up.sql':
      'CREATE TABLE customers (id serial PRIMARY KEY, customer_ref text NOT NULL UNIQUE);\n',
    'db/migrations/0001_create_customers.down.sql': 'DROP TABLE customers;\n',
  });
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
    project.remove();
  });

  it('skips with the key to set when the command is the default and there is no bin/hermes.js', async () => {
    // An unreachable database: the skip is decided before anything is opened.
    const ctx = gateContext({ cwd: project.dir, databaseUrl: unreachableUrl });
    const outcome = await performanceGate.run(ctx);
    await ctx.close();
    expect(outcome.status).toBe('skip');
    expect(outcome.reason).toContain(
      'no service command configured for this project; set gates.thresholds.tests.performance.command (and requests)',
    );
  });

  it('loads the configured service and leaves Hermes’s lead operations out of a schema without hermes_leads', async () => {
    const ctx = gateContext({
      cwd: project.dir,
      databaseUrl: db.url,
      config: {
        migrations: { dir: 'db/migrations' },
        gates: {
          thresholds: {
            tests: {
              performance: {
                command: ['node', join(project.dir, 'server.mjs')],
                requests: [{ method: 'GET', path: '/' }],
                durationSeconds: 1,
                connections: 1,
                minRequestsPerSecond: 1,
              },
            },
          },
        },
      },
    });
    const outcome = await performanceGate.run(ctx);
    await ctx.close();
    expect(outcome.status, `${outcome.summary} ${outcome.reason ?? ''}`).toBe('pass');
    expect(outcome.summary).toMatch(/^DB operations not timed \(no hermes_leads\); GET \//);
    expect(outcome.measurements?.map((m) => m.name)).not.toContain('database operation average');
  });
});
