import { readFileSync } from 'node:fs';
import { hermesFiles } from '../runtime/hermes-files.ts';

// Read at run time, so the version is right from src/ (tsx), tsc's dist/ and a bundle alike.
const pkg = JSON.parse(readFileSync(hermesFiles.packageJson, 'utf8')) as { version: string };

export const hermesVersion: string = pkg.version;
