/**
 * The fusion pane's way to the services (saving and sending registrations, the node list): the page's platform
 * client, connected once. The viewer panes do not receive the platform's API; a second client of the bridge is
 * cheap (requests only).
 */
import type { DokueiApi } from '../../../../common/ipc/contract';
import { connectPlatform } from '../../../platform/platform';

let api: Promise<DokueiApi> | undefined;

export function servicesApi(): Promise<DokueiApi> {
  api ??= connectPlatform().then((p) => p.api);
  api.catch(() => (api = undefined));
  return api;
}
