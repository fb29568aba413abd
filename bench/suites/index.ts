/**
 * Every suite of `npm run bench`, in the order they run. Adding a suite: one file in this folder exporting a
 * `Suite` (bench/lib/types.ts), plus one line here.
 */
import type { Suite } from '../lib/types';
import { archiveSuite } from './archive';
import { failoverSuite } from './failover';
import { querySuite } from './query';

export const SUITES: readonly Suite[] = [
  failoverSuite,
  querySuite,
  archiveSuite,
];
