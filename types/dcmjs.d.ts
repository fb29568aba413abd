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
  const dcmjs: {
    data: {
      DicomMessage: { readFile(buffer: ArrayBuffer, options?: ReadOptions): DicomDict };
    };
  };
  export default dcmjs;
}
