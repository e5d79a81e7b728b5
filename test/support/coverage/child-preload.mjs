// Loaded with `node --import` into every Node process a test starts while coverage runs
// (child-setup.ts puts it in NODE_OPTIONS). vitest's v8 coverage sees only its own workers; this
// records, for each child, V8's precise coverage of the repository's src/ and the exact code V8
// ran (tsx's output, not the .ts file), so provider.ts can convert it as vitest converts its own.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.V8_CHILD_COVERAGE_DIR;
const srcPrefix = process.env.V8_CHILD_COVERAGE_SRC;

if (dir && srcPrefix) {
  const session = new Session();
  session.connect();
  // An in-thread session answers synchronously, so the 'exit' handler below can still ask.
  const post = (method, params) => {
    let answer;
    session.post(method, params, (error, result) => {
      if (error) throw error;
      answer = result;
    });
    return answer;
  };
  post('Profiler.enable');
  post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
  process.on('exit', () => {
    try {
      const { result } = post('Profiler.takePreciseCoverage');
      const mine = result.filter((script) => script.url.startsWith(srcPrefix));
      if (mine.length === 0) return;
      post('Debugger.enable');
      mkdirSync(join(dir, 'sources'), { recursive: true });
      const scripts = mine.map(({ scriptId, url, functions }) => {
        const { scriptSource } = post('Debugger.getScriptSource', { scriptId });
        // Each child loads the same files: their code is stored once, by content.
        const source = createHash('sha256').update(scriptSource).digest('hex');
        const path = join(dir, 'sources', `${source}.js`);
        if (!existsSync(path)) writeFileSync(path, scriptSource);
        return { url, source, functions };
      });
      writeFileSync(
        join(dir, `child-${process.pid}-${Date.now()}.json`),
        JSON.stringify({ result: scripts }),
      );
    } catch (error) {
      process.stderr.write(`child coverage not recorded: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  });
}
