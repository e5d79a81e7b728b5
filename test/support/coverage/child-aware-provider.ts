import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { V8CoverageProvider } from '@vitest/coverage-v8/dist/provider.js';
import type { CoverageMap } from 'istanbul-lib-coverage';
import type { ReportContext, Vitest } from 'vitest/node';
import { childCoverageEnv } from './child-coverage.ts';
import { projectCoverage } from './project-coverage.ts';
import { convertChildScript, readChildCoverage } from './read-child-coverage.ts';

/** vitest's v8 provider, whose map also counts what the processes the tests started ran. */
export class ChildAwareV8Provider extends V8CoverageProvider {
  private childDir = '';

  override initialize(ctx: Vitest): void {
    super.initialize(ctx);
    this.childDir = join(this.options.reportsDirectory, '.children');
    // Set before vitest forks its workers, which pass it on to the processes they start.
    Object.assign(process.env, childCoverageEnv(this.childDir, pathToFileURL(resolve(ctx.config.root, 'src')).href));
  }

  override async clean(clean?: boolean): Promise<void> {
    await super.clean(clean);
    mkdirSync(this.childDir, { recursive: true });
  }

  override async generateCoverage(context: ReportContext): Promise<CoverageMap> {
    const map = await super.generateCoverage(context);
    const { processes, scripts } = readChildCoverage(this.childDir);
    const known = new Set(map.files());
    let files = 0;
    let matched = 0;
    let unmatched = 0;
    const skipped: string[] = [];
    for (const script of scripts) {
      if (!known.has(script.path) || !this.isIncluded(script.path)) continue;
      const data = await convertChildScript(script, this.options.ignoreClassMethods);
      if (typeof data === 'string') {
        skipped.push(data);
        continue;
      }
      const source = readFileSync(script.path, 'utf8').split('\n');
      const projection = projectCoverage(map.fileCoverageFor(script.path).data, data, source);
      files += 1;
      matched += projection.matched;
      unmatched += projection.unmatched;
    }
    this.ctx.logger.log(
      `child processes: ${processes} recorded, ${files} src files; ${matched} elements added to ` +
        `vitest's map, ${unmatched} without a match left out` +
        (skipped.length > 0 ? `; not converted: ${skipped.join(', ')}` : ''),
    );
    return map;
  }
}
