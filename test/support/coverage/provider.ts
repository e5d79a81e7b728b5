import v8 from '@vitest/coverage-v8';
import type { CoverageProviderModule } from 'vitest/node';

/**
 * vitest's v8 coverage, plus the coverage of the Node processes the tests start (the CLI as a
 * user runs it, `hermes serve`, the worker): see child-coverage.ts. The workers' side is v8's own;
 * the provider, which needs vitest's node API, is loaded only in the main process.
 */
const childAwareV8: CoverageProviderModule = {
  startCoverage: v8.startCoverage,
  takeCoverage: v8.takeCoverage,
  stopCoverage: v8.stopCoverage,
  async getProvider() {
    const { ChildAwareV8Provider } = await import('./child-aware-provider.ts');
    return new ChildAwareV8Provider();
  },
};

export default childAwareV8;
