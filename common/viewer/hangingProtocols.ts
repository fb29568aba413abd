/**
 * Hanging protocols: which layout a study opens in and which series goes into which viewport.
 *
 * Protocols are JSON (resources/hanging-protocols/*.json, and the user's own), validated by
 * `hangingProtocolSchema`. `chooseHangingProtocol` picks the matching protocol with the highest priority and
 * fills its viewports from the study's series; with no match it falls back to one viewport with the series that
 * has the most images. Pure and isomorphic.
 *
 * Matching, field by field (all optional; a clause matches when every field it gives matches):
 * - modality: the study holds at least one of these modalities; modalitiesAll: it holds all of them.
 * - bodyPart: the Body Part Examined (0018,0015) of the study or of one of its series (SeriesSummary.bodyPartExamined,
 *   from QIDO-RS or the local index) matches one of the patterns; studyDescription: the Study Description matches the
 *   pattern; seriesDescription: some series' description matches the pattern.
 * `match` may be a list of clauses: the protocol matches when any clause does (e.g. body part CHEST, or a study
 * description that says chest).
 *
 * Patterns: "/…/flags" is a regular expression; anything else is a glob (* and ?), whole-string and
 * case-insensitive. Description fields are regular expressions (case-insensitive, unanchored).
 */
import { z } from 'zod';
import { nonImageKind } from '../dicom/nonImageModalities';
import { WL_PRESETS } from './shortcuts';

/**
 * 'petct': the PET/CT reading layout; its two viewports name the CT (first) and the PET (second), which it shows
 * fused in three planes, the PET alone and a rotating PET MIP.
 */
export const LAYOUTS = ['1x1', '1x2', '2x1', '2x2', '1x3', '3x1', '2x3', '3x3', 'mpr1+3', 'mpr1x3', 'petct'] as const;
export type Layout = (typeof LAYOUTS)[number];

/** How many viewports each layout has. */
export const VIEWPORTS_PER_LAYOUT: Record<Layout, number> = {
  '1x1': 1,
  '1x2': 2,
  '2x1': 2,
  '2x2': 4,
  '1x3': 3,
  '3x1': 3,
  '2x3': 6,
  '3x3': 9,
  'mpr1+3': 4,
  'mpr1x3': 3,
  petct: 2,
};

export const VIEWS = ['stack', 'axial', 'sagittal', 'coronal', '3d'] as const;
export type View = (typeof VIEWS)[number];

function isValidRegex(source: string, flags = 'i'): boolean {
  try {
    new RegExp(source, flags);
    return true;
  } catch {
    return false;
  }
}

const regexString = z.string().min(1).refine((s) => isValidRegex(s), { message: 'not a valid regular expression' });

/** "/…/flags" (a regular expression) or a glob. */
const pattern = z
  .string()
  .min(1)
  .refine(
    (s) => {
      const m = /^\/(.*)\/([a-z]*)$/.exec(s);
      return !m || isValidRegex(m[1]!, m[2]!.includes('i') ? m[2] : `${m[2]}i`);
    },
    { message: 'not a valid regular expression' },
  );

const modalityList = z.array(z.string().regex(/^[A-Z0-9]{1,16}$/, 'a modality code such as CT or MR')).min(1);

const matchClauseSchema = z
  .object({
    modality: modalityList.optional(),
    modalitiesAll: modalityList.optional(),
    bodyPart: z.array(pattern).min(1).optional(),
    seriesDescription: regexString.optional(),
    studyDescription: regexString.optional(),
  })
  .strict();

const seriesSelectorSchema = z
  .object({
    modality: modalityList.optional(),
    /** The series' Body Part Examined matches one of these patterns (a series without one does not match). */
    bodyPart: z.array(pattern).min(1).optional(),
    seriesDescription: regexString.optional(),
    /** Series whose description matches this are never chosen (e.g. localizers). */
    excludeDescription: regexString.optional(),
    minImages: z.number().int().min(1).optional(),
    /** Among matching series: most images (default), fewest, thinnest slices, first or last by series number. */
    prefer: z.enum(['most-images', 'fewest-images', 'thinnest', 'first', 'last']).optional(),
    /** Show the same series as this viewport (0-based), e.g. the three MPR planes of one volume. */
    sameAsViewport: z.number().int().min(0).optional(),
  })
  .strict();

const viewportSchema = z
  .object({
    seriesSelector: seriesSelectorSchema,
    view: z.enum(VIEWS),
    /** Take the series from the prior study (when the protocol compares with a prior and one is given). */
    fromPrior: z.boolean().optional(),
    /**
     * A window/level preset id (WL_PRESETS in shortcuts.ts: "lung", "abdomen" …) the series opens in, or a volume
     * rendering preset name for '3d'.
     */
    preset: z.string().min(1).optional(),
  })
  .strict();

export const hangingProtocolSchema = z
  .object({
    $schema: z.string().optional(),
    $comment: z.string().optional(),
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits, ".", "_" and "-"'),
    name: z.string().min(1),
    /** Higher wins among matching protocols. */
    priority: z.number().int(),
    match: z.union([matchClauseSchema, z.array(matchClauseSchema).min(1)]),
    layout: z.enum(LAYOUTS),
    viewports: z.array(viewportSchema).min(1),
    prior: z.object({ compareWithPrior: z.boolean(), syncScroll: z.boolean() }).strict().optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const want = VIEWPORTS_PER_LAYOUT[p.layout];
    if (p.viewports.length !== want) {
      ctx.addIssue({ code: 'custom', path: ['viewports'], message: `layout ${p.layout} has ${want} viewports, but ${p.viewports.length} are described` });
    }
    p.viewports.forEach((v, i) => {
      if (v.preset !== undefined && v.view !== '3d' && !WL_PRESETS.some((w) => w.id === v.preset)) {
        ctx.addIssue({ code: 'custom', path: ['viewports', i, 'preset'], message: `unknown window/level preset "${v.preset}" (known: ${WL_PRESETS.map((w) => w.id).join(', ')})` });
      }
      const same = v.seriesSelector.sameAsViewport;
      if (same !== undefined && same >= i) {
        ctx.addIssue({ code: 'custom', path: ['viewports', i, 'seriesSelector', 'sameAsViewport'], message: 'must name an earlier viewport' });
      }
    });
  });

export type HangingProtocol = z.infer<typeof hangingProtocolSchema>;
export type MatchClause = z.infer<typeof matchClauseSchema>;
export type SeriesSelector = z.infer<typeof seriesSelectorSchema>;
export type ViewportSpec = z.infer<typeof viewportSchema>;

/** Parses one protocol; the error message names the file's problem in words (for the settings screen). */
export function parseHangingProtocol(json: unknown): { ok: true; protocol: HangingProtocol } | { ok: false; error: string } {
  const r = hangingProtocolSchema.safeParse(json);
  if (r.success) return { ok: true, protocol: r.data };
  const id = json && typeof json === 'object' && 'id' in json ? ` "${String((json as { id: unknown }).id)}"` : '';
  const issues = r.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(top)'}: ${i.message}`).join('; ');
  return { ok: false, error: `Hanging protocol${id} is not valid: ${issues}.` };
}

/** What the chooser needs to know of a study. */
export interface StudyFacts {
  modalities: readonly string[];
  bodyPart?: string;
  description?: string;
}

/** What the chooser needs to know of a series (SeriesSummary fits; sliceThickness helps 'thinnest'). */
export interface SeriesFacts {
  seriesInstanceUid: string;
  modality: string;
  seriesDescription: string;
  seriesNumber?: number;
  numberOfInstances?: number;
  /** Body Part Examined (0018,0015), as SeriesSummary carries it. */
  bodyPartExamined?: string;
  /** mm, for prefer: 'thinnest'. */
  sliceThickness?: number;
}

export interface HungViewport<S extends SeriesFacts = SeriesFacts> {
  spec: ViewportSpec;
  /** Undefined when no series fits this viewport: the viewer leaves it empty. */
  series: S | undefined;
  /** The series is the prior study's. */
  fromPrior: boolean;
}

export interface HangingChoice<S extends SeriesFacts = SeriesFacts> {
  protocol: HangingProtocol;
  viewports: HungViewport<S>[];
  /** Other protocols that match too, best first (e.g. the MPR layout for a chest CT): the viewer's layout menu. */
  alternatives: HangingProtocol[];
  /** True when no protocol matched and the default single viewport was used. */
  fallback: boolean;
}

/** The protocol used when none matches: one stack viewport, the series with the most images. */
export const FALLBACK_PROTOCOL: HangingProtocol = {
  id: 'fallback',
  name: 'Single viewport',
  priority: -1_000_000,
  match: {},
  layout: '1x1',
  viewports: [{ seriesSelector: { prefer: 'most-images' }, view: 'stack' }],
};

/** Whether a value matches a "/regex/flags" or glob pattern (case-insensitive, whole string for globs). */
export function matchesPattern(value: string, patternText: string): boolean {
  const m = /^\/(.*)\/([a-z]*)$/.exec(patternText);
  if (m) {
    try {
      return new RegExp(m[1]!, m[2]!.includes('i') ? m[2] : `${m[2]}i`).test(value);
    } catch {
      return false;
    }
  }
  const re = patternText.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 'i').test(value.trim());
}

function testRegex(source: string, value: string): boolean {
  try {
    return new RegExp(source, 'i').test(value);
  } catch {
    return false;
  }
}

const isImageSeries = (s: SeriesFacts) => nonImageKind(s.modality) === undefined;

function clauseMatches(c: MatchClause, study: StudyFacts, series: readonly SeriesFacts[]): boolean {
  const modalities = new Set([...study.modalities, ...series.map((s) => s.modality)].map((m) => m.toUpperCase()));
  if (c.modality && !c.modality.some((m) => modalities.has(m))) return false;
  if (c.modalitiesAll && !c.modalitiesAll.every((m) => modalities.has(m))) return false;
  if (c.bodyPart) {
    const parts = [study.bodyPart, ...series.map((s) => s.bodyPartExamined)].filter((p): p is string => !!p);
    if (!parts.some((p) => c.bodyPart!.some((pat) => matchesPattern(p, pat)))) return false;
  }
  if (c.studyDescription && !testRegex(c.studyDescription, study.description ?? '')) return false;
  if (c.seriesDescription && !series.some((s) => testRegex(c.seriesDescription!, s.seriesDescription))) return false;
  return true;
}

/** Whether the protocol's match applies to the study. */
export function protocolMatches(p: HangingProtocol, study: StudyFacts, series: readonly SeriesFacts[]): boolean {
  const clauses = Array.isArray(p.match) ? p.match : [p.match];
  return clauses.some((c) => clauseMatches(c, study, series));
}

function selectorMatches(sel: SeriesSelector, s: SeriesFacts): boolean {
  if (sel.modality && !sel.modality.includes(s.modality.toUpperCase())) return false;
  if (sel.bodyPart && !sel.bodyPart.some((pat) => !!s.bodyPartExamined && matchesPattern(s.bodyPartExamined, pat))) return false;
  if (sel.seriesDescription && !testRegex(sel.seriesDescription, s.seriesDescription)) return false;
  if (sel.excludeDescription && testRegex(sel.excludeDescription, s.seriesDescription)) return false;
  if (sel.minImages !== undefined && (s.numberOfInstances ?? 0) < sel.minImages) return false;
  return true;
}

function rank<S extends SeriesFacts>(candidates: S[], prefer: SeriesSelector['prefer']): S[] {
  const images = (s: S) => s.numberOfInstances ?? 0;
  const number = (s: S) => s.seriesNumber ?? Number.MAX_SAFE_INTEGER;
  const byNumber = (a: S, b: S) => number(a) - number(b);
  const sorted = [...candidates];
  switch (prefer ?? 'most-images') {
    case 'most-images':
      return sorted.sort((a, b) => images(b) - images(a) || byNumber(a, b));
    case 'fewest-images':
      return sorted.sort((a, b) => images(a) - images(b) || byNumber(a, b));
    case 'thinnest':
      return sorted.sort((a, b) => (a.sliceThickness ?? Infinity) - (b.sliceThickness ?? Infinity) || images(b) - images(a) || byNumber(a, b));
    case 'first':
      return sorted.sort(byNumber);
    case 'last':
      return sorted.sort((a, b) => byNumber(b, a));
  }
}

/**
 * Fills a protocol's viewports: each takes the best matching series not yet shown, else the best already shown.
 * A `fromPrior` viewport takes from `priorSeries` when the protocol compares with a prior and one is given, and
 * from the current study otherwise (a chest X-ray's lateral view where there is no prior).
 */
export function hangSeries<S extends SeriesFacts>(protocol: HangingProtocol, series: readonly S[], priorSeries?: readonly S[]): HungViewport<S>[] {
  const current = series.filter(isImageSeries);
  const prior = (protocol.prior?.compareWithPrior ? (priorSeries ?? []) : []).filter(isImageSeries);
  const used = new Set<string>();
  const out: HungViewport<S>[] = [];
  for (const spec of protocol.viewports) {
    const sel = spec.seriesSelector;
    let chosen: S | undefined;
    let fromPrior: boolean;
    if (sel.sameAsViewport !== undefined) {
      chosen = out[sel.sameAsViewport]?.series;
      fromPrior = out[sel.sameAsViewport]?.fromPrior ?? false;
    } else {
      const pool = spec.fromPrior && prior.length > 0 ? prior : current;
      fromPrior = pool === prior;
      const ranked = rank(pool.filter((s) => selectorMatches(sel, s)), sel.prefer);
      chosen = ranked.find((s) => !used.has(s.seriesInstanceUid)) ?? ranked[0];
    }
    if (chosen) used.add(chosen.seriesInstanceUid);
    out.push({ spec, series: chosen, fromPrior: chosen !== undefined && fromPrior });
  }
  return out;
}

/**
 * Picks the protocol for a study: among those that match and can fill their first viewport, the highest priority
 * (ties: the one listed first). Falls back to FALLBACK_PROTOCOL (one viewport, most images). `priorSeries`: the
 * series of the prior study to compare with, if the viewer has one.
 */
export function chooseHangingProtocol<S extends SeriesFacts>(
  study: StudyFacts,
  series: readonly S[],
  protocols: readonly HangingProtocol[],
  priorSeries?: readonly S[],
): HangingChoice<S> {
  const candidates = protocols
    .map((protocol, index) => ({ protocol, index }))
    .filter(({ protocol }) => protocolMatches(protocol, study, series))
    .map((c) => ({ ...c, viewports: hangSeries(c.protocol, series, priorSeries) }))
    .filter((c) => c.viewports[0]?.series !== undefined)
    .sort((a, b) => b.protocol.priority - a.protocol.priority || a.index - b.index);
  const best = candidates[0];
  if (!best) {
    return { protocol: FALLBACK_PROTOCOL, viewports: hangSeries(FALLBACK_PROTOCOL, series), alternatives: [], fallback: true };
  }
  return { protocol: best.protocol, viewports: best.viewports, alternatives: candidates.slice(1).map((c) => c.protocol), fallback: false };
}
