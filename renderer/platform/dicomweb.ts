/**
 * QIDO/WADO JSON requests on the data plane, for the study browser. Pixel data is fetched by
 * cornerstone's loader (renderer/imaging), not here.
 */
import type { DicomJsonDataset } from '../../common/dicom/dicomJson';
import type { DataPlane } from './platform';

export class DataPlaneError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface JsonAnswer {
  items: DicomJsonDataset[];
  /** Per-node problems the gateway reported (Warning headers): shown, never fatal. */
  warnings: string[];
}

export function parseWarnings(header: string | null): string[] {
  if (!header) return [];
  return [...header.matchAll(/299 dokuei "([^"]*)"/g)].map((m) => m[1]!);
}

export async function getDicomJson(plane: DataPlane, path: string, signal?: AbortSignal): Promise<JsonAnswer> {
  let res: Response;
  try {
    res = await fetch(`${plane.baseUrl}${path}`, { headers: { ...plane.headers, Accept: 'application/dicom+json' }, signal });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new DataPlaneError(`The local data service did not answer: ${(err as Error).message}`);
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => undefined)) as { error?: string } | undefined;
    throw new DataPlaneError(body?.error ?? `HTTP ${res.status}`, res.status);
  }
  const items = (await res.json()) as DicomJsonDataset[];
  return { items: Array.isArray(items) ? items : [], warnings: parseWarnings(res.headers.get('Warning')) };
}

/** Fetches an image (thumbnail) with the data-plane credentials and returns an object URL. */
export async function getImageObjectUrl(plane: DataPlane, path: string, signal?: AbortSignal): Promise<string> {
  const res = await fetch(`${plane.baseUrl}${path}`, { headers: { ...plane.headers, Accept: 'image/png, image/jpeg' }, signal });
  if (!res.ok) throw new DataPlaneError(`Thumbnail unavailable (HTTP ${res.status})`, res.status);
  return URL.createObjectURL(await res.blob());
}
