/**
 * The SUV feature's way to the services: the page's platform client (renderer/platform), connected once per page.
 * (The viewer panes do not receive the platform's API; a second client of the same bridge is cheap: requests only.)
 */
import type { DokueiApi } from '../../../../common/ipc/contract';
import { connectPlatform } from '../../../platform/platform';

let api: Promise<DokueiApi> | undefined;

export function suvApi(): Promise<DokueiApi> {
  api ??= connectPlatform().then((p) => p.api);
  api.catch(() => (api = undefined));
  return api;
}
