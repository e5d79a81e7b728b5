// A vitest setup file: runs in each worker before its tests.
import { recordChildCoverage } from './child-coverage.ts';

recordChildCoverage(process.env);
