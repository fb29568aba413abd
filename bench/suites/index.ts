/**
 * Every suite of `npm run bench`, in the order they run. Adding a suite: one file in this folder exporting a
 * `Suite` (bench/lib/types.ts), plus one line here.
 */
import type { Suite } from '../lib/types';
import { archiveSuite } from './archive';
import { dataPlaneSuite } from './dataPlane';
import { memorySuite } from './memory';
import { renderingSuite } from './rendering';
import { failoverSuite } from './failover';
import { querySuite } from './query';
import { registrationSuite } from './registration';
import { suvSuite } from './suv';
import { rtSuite } from './rt';

export const SUITES: readonly Suite[] = [
  dataPlaneSuite,
  memorySuite,
  renderingSuite,
  failoverSuite,
  querySuite,
  archiveSuite,
  registrationSuite,
  suvSuite,
  rtSuite,
];
