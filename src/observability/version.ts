import { createRequire } from 'node:module';

// Read at run time, so the version is right from src/ (tsx) and from dist/ alike.
const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };

export const hermesVersion: string = pkg.version;
