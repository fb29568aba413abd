/**
 * The SUV feature's way to the services: the page's platform client (renderer/platform), connected once per page.
 * (The viewer panes do not receive the platform's API; a second client of the same bridge is cheap: requests only.)
 */
import type { DokueiApi } from '../../../../common/ipc/contract';
import { connectPlatform, type DataPlane, type Platform } from '../../../platform/platform';

let platform: Promise<Platform> | undefined;

/** One connection for the feature, kept once it succeeds (a failed one is retried on the next call). */
function suvPlatform(): Promise<Platform> {
  platform ??= connectPlatform();
  platform.catch(() => (platform = undefined));
  return platform;
}

export function suvApi(): Promise<DokueiApi> {
  return suvPlatform().then((p) => p.api);
}

/** The data plane (DICOMweb) of the page: the segment statistics fetch the SEG and the PET frames over it. */
export function suvDataPlane(): Promise<DataPlane> {
  return suvPlatform().then((p) => p.dataPlane);
}
