/**
 * English sentences computed elsewhere (import reasons, SUV reasons, RT warnings) mapped to catalogue keys after the
 * fact: an exact table first, then patterns whose captures become values. One lookup for every such map, so each
 * keeps only its table; text no entry knows gives undefined (the caller shows it as it is).
 */
export type SentencePatterns<S> = readonly (readonly [RegExp, (m: RegExpExecArray) => S])[];

export function sentenceKeys<S>(exact: Readonly<Record<string, string>>, patterns: SentencePatterns<S>, make: (key: string) => S): (text: string) => S | undefined {
  return (text) => {
    const key = Object.hasOwn(exact, text) ? exact[text] : undefined;
    if (key) return make(key);
    for (const [pattern, build] of patterns) {
      const m = pattern.exec(text);
      if (m) return build(m);
    }
    return undefined;
  };
}
