// dcmjs ships no type declarations; this covers the small surface Dokuei uses.
declare module 'dcmjs' {
  interface ReadOptions {
    ignoreErrors?: boolean;
    untilTag?: string;
    includeUntilTagValue?: boolean;
    noCopy?: boolean;
  }
  interface DicomDict {
    meta: Record<string, { vr?: string; Value?: unknown[] }>;
    dict: Record<string, { vr?: string; Value?: unknown[] }>;
  }
  /**
   * One data dictionary entry. `vr` is a VR or one of dcmjs' pseudo-VRs for attributes whose VR depends on
   * context: 'ox' (OB or OW), 'xs' (US or SS), 'lt' (US or SS or OW, LUT Data), 'up' (UL offset), 'na' (items).
   */
  interface DictionaryEntry {
    tag: string;
    vr: string;
    vm: string;
    name: string;
    version?: string;
  }
  const dcmjs: {
    data: {
      DicomMessage: { readFile(buffer: ArrayBuffer, options?: ReadOptions): DicomDict };
      DicomMetaDictionary: {
        /** Keyed "(GGGG,EEEE)" in upper-case hex; repeating groups such as (60xx,3000) resolve by lookup (a
         *  Proxy: it cannot be enumerated). Undefined for unknown and private tags. */
        dictionary: Readonly<Record<string, DictionaryEntry | undefined>>;
      };
    };
  };
  export default dcmjs;
}
