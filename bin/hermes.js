#!/usr/bin/env node
// The TypeScript sources run as they are (tsx), so `npx hermes` works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
