/**
 * The PACS nodes a saved object can also be sent to (issues #7, #8): enabled DICOMweb nodes (STOW-RS). DIMSE nodes
 * are left out: Dokuei has no C-STORE client, so offering them would only lead to a refusal.
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
      .then((nodes) => live && setTargets(nodes.filter((n) => n.enabled && n.kind === 'dicomweb').map((n) => ({ id: n.id, name: n.name }))))
      .catch(() => live && setTargets([]));
    return () => {
      live = false;
    };
  }, []);
  return targets;
}
