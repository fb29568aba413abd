/**
 * The PACS nodes a saved object can also be sent to (issues #7, #8): enabled DICOMweb nodes (STOW-RS) and DIMSE
 * nodes (C-STORE), as electron/services/pacs/sendInstances.ts sends to.
 */
import { useEffect, useState } from 'react';
import type { DokueiApi } from '../../../common/ipc/contract';
import { connectPlatform } from '../../platform/platform';

let api: Promise<DokueiApi> | undefined;

/** The page's platform client, connected once (requests only). */
export function pacsApi(): Promise<DokueiApi> {
  api ??= connectPlatform().then((p) => p.api);
  api.catch(() => (api = undefined));
  return api;
}

export interface SendTarget {
  id: string;
  name: string;
}

/** The nodes to offer as "also send to"; empty while loading, without nodes, or when the list cannot be had. */
export function useSendTargets(): SendTarget[] {
  const [targets, setTargets] = useState<SendTarget[]>([]);
  useEffect(() => {
    let live = true;
    pacsApi()
      .then((a) => a.nodes.list({}))
      .then((nodes) => live && setTargets(nodes.filter((n) => n.enabled && (n.kind === 'dicomweb' || n.kind === 'dimse')).map((n) => ({ id: n.id, name: n.name }))))
      .catch(() => live && setTargets([]));
    return () => {
      live = false;
    };
  }, []);
  return targets;
}
