/**
 * The one IPC contract. Both hosts (Electron main, browser host) bind exactly these channels, and both
 * clients (preload, browser platform) expose exactly these functions, all derived by walking this object.
 * Pixel data never appears here: it travels on the DICOMweb data plane.
 */
import { z } from 'zod';
import { SaysSchema } from '../i18n/saysSchema';
import { FederatedSearchResult, NodeOutcome } from '../dicom/federation';
import { InspectResult } from '../dicom/inspectResult';
import { RetrieveJob } from '../dicom/retrieveJob';
import { StudyQuery } from '../dicom/studyQuery';
import { SHORTCUT_ACTION_IDS, type ShortcutAction } from '../viewer/shortcuts';
import { AeTitle, NodeSettings } from '../settings/nodeSettings';
import { PrefetchSettings } from '../settings/prefetchSettings';
import { hangingProtocolSchema } from '../viewer/hangingProtocols';
import { KEY_IMAGE_TITLE_IDS, savedImageRefSchema, savedMeasurementSchema, type KeyImageTitle } from '../sr/savedMeasurements';

export interface RequestDef<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  readonly kind: 'request';
  readonly request: Req;
  readonly response: Res;
}

export interface EventDef<P extends z.ZodType = z.ZodType> {
  readonly kind: 'event';
  readonly payload: P;
}

const request = <Req extends z.ZodType, Res extends z.ZodType>(req: Req, res: Res): RequestDef<Req, Res> => ({
  kind: 'request',
  request: req,
  response: res,
});
const event = <P extends z.ZodType>(payload: P): EventDef<P> => ({ kind: 'event', payload });

const Empty = z.object({}).strict();

export const UpstreamNodeInfo = z.object({
  name: z.string().min(1),
  kind: z.enum(['dicomweb']),
  url: z.string(),
});

export const NodeInfo = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(['onsite', 'offsite', 'other']),
  kind: z.enum(['dicomweb', 'dimse']),
  priority: z.number().int(),
  enabled: z.boolean(),
  /** What a person recognises: the base URL, or AE@host:port. Never a password. */
  endpoint: z.string(),
  retrieve: z.enum(['WADO-RS', 'C-GET', 'C-MOVE']),
  /**
   * The node sends credentials over plain http:// because its settings allow it (allowInsecureCredentials):
   * the UI shows it with a warning. Absent from older hosts: false.
   */
  insecure: z.boolean().default(false),
});
export type NodeInfo = z.infer<typeof NodeInfo>;

const Uid = z.string().regex(/^[0-9]+(\.[0-9]+)*$/, 'Not a DICOM UID').max(64);
const NodeId = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'Not a node id');

export const NodeHealthRow = z.object({
  nodeId: z.string(),
  name: z.string(),
  /** unknown: not talked to since start-up. */
  state: z.enum(['online', 'degraded', 'offline', 'unknown']),
  lastFailure: z.string().optional(),
  /** When an offline node is tried again (epoch ms). */
  retryAt: z.number().optional(),
});
export type NodeHealthRow = z.infer<typeof NodeHealthRow>;

export const ArchiveUsage = z.object({
  totalBytes: z.number().nonnegative(),
  quotaBytes: z.number().nonnegative().optional(),
  studies: z.number().int().nonnegative(),
  pinnedStudies: z.number().int().nonnegative(),
  byModality: z.array(z.object({ modality: z.string(), bytes: z.number().nonnegative() })),
  /** Cumulative bytes at the end of each of the last 90 days (local days), oldest first. */
  history: z.array(z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), bytes: z.number().nonnegative() })).optional(),
  /** Linear growth over the last 30 days; quotaFullOn is absent without a quota or without growth. */
  projection: z.object({ bytesPerDay: z.number().nonnegative(), quotaFullOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional() }).optional(),
  /** The archive folder. */
  location: z.string().optional(),
});
export type ArchiveUsage = z.infer<typeof ArchiveUsage>;

/** null removes the quota. GB as the panel shows sizes (1024³ bytes). */
export const SetQuotaRequest = z
  .object({
    quotaGb: z.number().min(0.1, 'The quota is at least 0.1 GB').max(100000, 'The quota is at most 100000 GB').nullable(),
  })
  .strict();

export const SeriesRow = z.object({
  studyInstanceUid: z.string(),
  seriesInstanceUid: z.string(),
  modality: z.string(),
  seriesNumber: z.number().optional(),
  seriesDescription: z.string(),
  numberOfInstances: z.number().optional(),
  /** Body Part Examined (0018,0015); absent when the source does not give it. */
  bodyPartExamined: z.string().optional(),
});

export const SeriesListResult = z.object({
  series: z.array(SeriesRow),
  source: z.string(),
  nodes: z.array(NodeOutcome),
});

export const AppInfo = z.object({
  name: z.literal('Dokuei'),
  version: z.string(),
  host: z.enum(['electron', 'browser']),
  /** Base URL of the DICOMweb data plane as the renderer must use it (no trailing slash). */
  dataPlaneBaseUrl: z.string(),
  upstreams: z.array(UpstreamNodeInfo),
  /**
   * What the reader must know from this start and may not see in a log: damage found in the archive's index,
   * user state taken from its second copy, files set aside, a key lying beside the data. Absent: none.
   */
  alerts: z.array(z.string()).optional(),
});

export const StoreSummary = z.object({
  root: z.string(),
  studies: z.number().int().nonnegative(),
  series: z.number().int().nonnegative(),
  instances: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
});

export const ImportRequest = z
  .object({
    paths: z.array(z.string().min(1).max(4096)).min(1).max(1000),
    /** For a DICOMDIR among the paths: import only these studies (all when absent). */
    studies: z.array(Uid).min(1).max(1000).optional(),
  })
  .strict();

/** What a DICOMDIR holds, record by record (electron/services/store/dicomdir.ts; `dokuei dicomdir --json` is the same). */
export const DicomdirListing = z.object({
  dicomdir: z.string(),
  fileSetId: z.string().optional(),
  patients: z.array(
    z.object({
      patientId: z.string(),
      patientName: z.string(),
      studies: z.array(
        z.object({
          studyInstanceUid: z.string(),
          studyDate: z.string().optional(),
          studyDescription: z.string().optional(),
          accessionNumber: z.string().optional(),
          series: z.array(
            z.object({
              seriesInstanceUid: z.string(),
              modality: z.string(),
              seriesNumber: z.number().optional(),
              instances: z.array(z.object({ file: z.string(), referencedFileId: z.string(), sopInstanceUid: z.string().optional(), recordType: z.string(), exists: z.boolean() })),
            }),
          ),
        }),
      ),
    }),
  ),
  missing: z.array(z.string()),
  warnings: z.array(z.string()),
});

export const ImportResult = z.object({
  imported: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative(),
  failed: z.array(z.object({ path: z.string(), reason: z.string(), says: SaysSchema.optional() })),
});

export const StoreChanged = z.object({
  studies: z.number().int().nonnegative(),
  instances: z.number().int().nonnegative(),
});

export const RendererLog = z
  .object({
    level: z.enum(['info', 'warn', 'error']),
    message: z.string().max(4000),
  })
  .strict();

const ShortcutActionId = z.enum(SHORTCUT_ACTION_IDS as [ShortcutAction, ...ShortcutAction[]]);
const KeySpecText = z.string().min(1).max(64);

/** The reader's viewer keys: action → one key spec, several, or null (unbound); unlisted actions keep their defaults. */
export const ShortcutOverrides = z.partialRecord(ShortcutActionId, z.union([KeySpecText, z.array(KeySpecText).max(8), z.null()]));
export type ShortcutOverrides = z.infer<typeof ShortcutOverrides>;

/** The viewer's keys as they apply (every action; [] = unbound), the defaults, and what was wrong with the saved overrides. */
export const ShortcutsState = z.object({
  map: z.record(ShortcutActionId, z.array(z.string())),
  defaults: z.record(ShortcutActionId, z.array(z.string())),
  /** Saved entries that were ignored (unknown action, invalid key, a key on two actions). */
  errors: z.array(z.string()),
  /** Keys an override took from the action that had them by default. */
  notes: z.array(z.string()),
});
export type ShortcutsState = z.infer<typeof ShortcutsState>;

/** SUV inputs that the recalculation panel can correct (issue #7), as computeSeriesSuv names them. */
export const SuvCorrectionField = z.enum(['weight', 'height', 'sex', 'dose', 'injectionDateTime', 'halfLife', 'referenceDateTime']);

/** One correction with its provenance: who, when, what (old → new) and why. */
export const SuvCorrectionRecord = z.object({
  field: SuvCorrectionField,
  oldValue: z.union([z.number(), z.string(), z.null()]),
  newValue: z.union([z.number(), z.string()]),
  user: z.string().min(1),
  /** ISO 8601. */
  time: z.string().min(1),
  reason: z.string().min(1),
});
export type SuvCorrectionRecord = z.infer<typeof SuvCorrectionRecord>;

/** computeSeriesSuv's overrides: kg, cm, M/F/O, Bq, ISO wall-clock date-times, s. */
export const SuvOverridesWire = z
  .object({
    weightKg: z.number().positive().optional(),
    heightCm: z.number().positive().optional(),
    sex: z.enum(['M', 'F', 'O']).optional(),
    doseBq: z.number().positive().optional(),
    injectionDateTime: z.string().optional(),
    halfLifeS: z.number().positive().optional(),
    referenceDateTime: z.string().optional(),
  })
  .strict();

export const SuvCorrectionsState = z.object({
  seriesInstanceUid: z.string(),
  /** Oldest first; the latest correction of a field applies. */
  corrections: z.array(SuvCorrectionRecord),
  overrides: SuvOverridesWire,
});
export type SuvCorrectionsState = z.infer<typeof SuvCorrectionsState>;

/** What sending instances to a PACS node did (issues #7, #8): which were stored there, which not and why. */
export const SendOutcome = z.object({
  ok: z.boolean(),
  nodeId: z.string(),
  nodeName: z.string(),
  sent: z.array(z.string()),
  failed: z.array(z.object({ sopInstanceUid: z.string(), reason: z.string() })),
  /** One sentence for the reader. */
  message: z.string(),
});
export type SendOutcome = z.infer<typeof SendOutcome>;

export const SuvCorrectionSaved = SuvCorrectionsState.extend({
  /** The Real World Value Mapping instance this save wrote into the local store. */
  rwvmSopInstanceUid: z.string().optional(),
  /** Why no RWVM instance was written (no SUVbw to map). */
  rwvmNote: z.string().optional(),
  /** Present when sendTo was asked: whether the RWVM instance reached the node. */
  send: SendOutcome.optional(),
});

/**
 * The audit panel (issue #15): the audit trail filtered, one record's message, and the chain's state. Dates are
 * instants (ISO 8601 with an offset): the renderer turns the reader's local days into them, so the services need
 * no time zone. `from` is inclusive, `to` exclusive.
 */
const AuditInstant = z.iso.datetime({ offset: true, message: 'Not a date and time (ISO 8601)' });
export const AuditListRequest = z
  .object({
    /** A patient ID or a part of a patient's name or ID (any case). */
    patient: z.string().trim().max(64).optional(),
    /** A part of the requesting user's ID or name (any case). */
    user: z.string().trim().max(64).optional(),
    /** An Event ID (e.g. 110112 Query) or an Event Type code (e.g. 110120 Application Start). */
    event: z.string().regex(/^[A-Za-z0-9._-]{1,32}$/, 'Not an event code').optional(),
    from: AuditInstant.optional(),
    to: AuditInstant.optional(),
    order: z.enum(['newest', 'oldest']).default('newest'),
    offset: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(1000).default(200),
    /** Only records up to this index: a later page passes its first page's `upTo`, so appends do not shift it. */
    upTo: z.number().int().min(0).optional(),
  })
  .strict()
  .refine((r) => r.from === undefined || r.to === undefined || Date.parse(r.from) < Date.parse(r.to), { message: 'The "from" date must be before the "to" date', path: ['to'] });
export type AuditListRequest = z.input<typeof AuditListRequest>;

export const AuditRow = z.object({
  index: z.number().int().nonnegative(),
  /** When the record was appended (ISO 8601 UTC). */
  time: z.string(),
  eventId: z.string(),
  /** The Event ID's meaning ("Query"); the code itself when the message does not say. */
  eventName: z.string(),
  /** The first Event Type's meaning ("Application Start"), if any. */
  eventType: z.string().optional(),
  eventTypeCode: z.string().optional(),
  /** C R U D E. */
  action: z.string().optional(),
  /** RFC 3881 EventOutcomeIndicator (0, 4, 8, 12); null when the message could not be read. */
  outcome: z.number().int().nullable(),
  outcomeDescription: z.string().optional(),
  /** The requestor (the person when known, else the application). */
  user: z.string().optional(),
  userName: z.string().optional(),
  patients: z.array(z.object({ id: z.string(), name: z.string().optional() })),
  studyUids: z.array(z.string()),
  /** AuditSourceID: the installation that recorded it, e.g. "dokuei@host". */
  source: z.string().optional(),
  /** The stored XML is not an audit message this version can read (the chain may still be intact). */
  unparsable: z.boolean().optional(),
});
export type AuditRow = z.infer<typeof AuditRow>;

export const AuditListResult = z.object({
  rows: z.array(AuditRow),
  /** Records matching the filters (rows is the page at offset). */
  total: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  /** Matching records after this page. */
  more: z.number().int().nonnegative(),
  /** The last record index this listing covers (null: the log is empty); pass it as `upTo` for the next page. */
  upTo: z.number().int().nonnegative().nullable(),
  /** Readable records in the whole log, and frames that could not be read (see audit.verify). */
  records: z.number().int().nonnegative(),
  unreadable: z.number().int().nonnegative(),
  /** The events a filter can choose: every known Event ID, and any other code in the log, with counts. */
  events: z.array(z.object({ code: z.string(), name: z.string(), count: z.number().int().nonnegative() })),
});
export type AuditListResult = z.infer<typeof AuditListResult>;

export const AuditRecordDetail = z.object({
  row: AuditRow,
  /** The stored message, indented for reading (the record's hash covers the stored form, not this one). */
  xml: z.string(),
  hash: z.string(),
  prevHash: z.string(),
  /** What the message holds base64-encoded (a query's keys, an alert's description), decoded. */
  decoded: z.array(z.object({ label: z.string(), value: z.string() })),
});
export type AuditRecordDetail = z.infer<typeof AuditRecordDetail>;

export const AuditVerifyResult = z.object({
  ok: z.boolean(),
  records: z.number().int().nonnegative(),
  problems: z.array(z.object({ index: z.number().int(), reason: z.string() })),
});
export type AuditVerifyResult = z.infer<typeof AuditVerifyResult>;

/**
 * The settings window's PACS page. Secrets never travel back: the state says only which secret refs are stored.
 * Typed secrets travel once, to be stored in the secret store (settings.nodes.save) or used for one test.
 */
const SecretValues = z.record(z.string().min(1).max(200), z.string().min(1).max(65536));
const LocalScpEdit = z.object({ aeTitle: AeTitle, port: z.number().int().min(0).max(65535) }).strict();
export const NodeSettingsState = z.object({
  nodes: z.array(NodeSettings),
  /** Secret ref → whether the secret store holds a value for it (the refs the nodes name). */
  secretsStored: z.record(z.string(), z.boolean()),
  localScp: LocalScpEdit,
  /** Where the settings are saved (settings.json), for the reader and IT; absent when they live in memory. */
  settingsFile: z.string().optional(),
  /** What applying the nodes had to say (a C-MOVE SCP that could not start). */
  notices: z.array(z.string()),
});
export type NodeSettingsState = z.infer<typeof NodeSettingsState>;
export const NodeTestStep = z.object({
  step: z.enum(['echo', 'query']),
  ok: z.boolean(),
  ms: z.number().nonnegative().optional(),
  /** In English, as the services say it (the CLI, logs). */
  message: z.string(),
  /** For a message the UI words itself in the reader's language: settings.test.says.<key> with these values. */
  says: z.object({ key: z.enum(['dicomwebEcho', 'dimseEcho', 'queryFound', 'queryEmpty']), values: z.record(z.string(), z.union([z.string(), z.number()])) }).optional(),
  /** A failed step's message as a key of the services' catalogue (services.pacs.<kind>), when the cause is known. */
  failure: SaysSchema.optional(),
});
export type NodeTestStep = z.infer<typeof NodeTestStep>;
export const NodeTestResult = z.object({ ok: z.boolean(), steps: z.array(NodeTestStep) });
export type NodeTestResult = z.infer<typeof NodeTestResult>;

const SeriesKey = z.object({ studyInstanceUid: Uid, seriesInstanceUid: Uid }).strict();
const Matrix4Wire = z.array(z.array(z.number().finite()).length(4)).length(4);

export const contract = {
  requests: {
    app: {
      getInfo: request(Empty, AppInfo),
      log: request(RendererLog, z.object({ ok: z.literal(true) })),
      /**
       * Electron: opens another window of the app on the other (largest) monitor, where it was last for this set of
       * monitors. Answers opened: false in a host that cannot (the browser host: the page opens a tab itself).
       */
      openWindow: request(Empty, z.object({ opened: z.boolean() })),
    },
    store: {
      summary: request(Empty, StoreSummary),
      importPaths: request(ImportRequest, ImportResult),
    },
    files: {
      /**
       * Paths on the computer running the services (the reader's own machine). Only paths the reader picked for
       * this window (files.choose, or typed and confirmed: files.grant) and what is under them; any other path
       * is refused with PATH_NOT_PICKED naming it, before anything is read. store.importPaths likewise.
       */
      inspect: request(z.object({ paths: z.array(z.string().min(1).max(4096)).min(1).max(200) }).strict(), z.array(InspectResult)),
      /**
       * Typed paths the reader confirmed may be read (absolute; a folder covers what is under it). In Electron, main
       * asks the reader itself in a native dialog before granting (`granted` is empty when the reader declines); in
       * the browser host the page sends it only after its own confirm step: see electron/services/app/pathGrants.ts
       * for what that can and cannot stop. Answers the paths as resolved (links followed).
       */
      grant: request(z.object({ paths: z.array(z.string().min(1).max(4096)).min(1).max(200) }).strict(), z.object({ granted: z.array(z.string()) })),
      /** Electron only: the native open dialog (files, or folders); what the reader picks is granted. Empty: cancelled. */
      choose: request(z.object({ folders: z.boolean() }).strict(), z.object({ paths: z.array(z.string()) })),
      /** A DICOMDIR's records (patients, studies, series, images, the files the media lacks), before any import. Picked paths only, as inspect. */
      readDicomdir: request(z.object({ path: z.string().min(1).max(4096) }).strict(), DicomdirListing),
    },
    nodes: {
      list: request(Empty, z.array(NodeInfo)),
      echo: request(z.object({ nodeId: NodeId }).strict(), z.object({ ms: z.number().nonnegative() })),
      health: request(Empty, z.array(NodeHealthRow)),
    },
    archive: {
      usage: request(Empty, ArchiveUsage),
      /** Saves the quota in the settings and applies it at once (evicting LRU studies if over); answers the new usage. */
      setQuota: request(SetQuotaRequest, ArchiveUsage),
      /** Saves a new archive folder for the next start (nothing is moved; the current archive stays where it is). */
      setLocation: request(
        z.object({ dir: z.string().min(1).max(4096).nullable() }).strict(),
        z.object({ current: z.string(), next: z.string(), restartRequired: z.boolean() }),
      ),
    },
    prefetch: {
      /** The reader opened a study: queue its patient's recent priors in the background. */
      studyOpened: request(
        z.object({ studyInstanceUid: Uid, patientId: z.string().min(1).max(64) }).strict(),
        z.object({ queued: z.number().int().nonnegative(), skipped: z.number().int().nonnegative(), errors: z.array(z.string()) }),
      ),
    },
    studies: {
      search: request(StudyQuery, FederatedSearchResult),
      series: request(z.object({ studyInstanceUid: Uid }).strict(), SeriesListResult),
    },
    settings: {
      /** The configured PACS nodes (as settings.json holds them: secret refs, no secrets) and the local SCP. */
      'nodes.get': request(Empty, NodeSettingsState),
      /**
       * Replaces the node list (order = the list's order) and the local SCP's AE title and port; stores the typed
       * secrets under their refs (each must be named by a node), forgets the secrets only removed nodes named, saves
       * and applies at once (searches, retrieves and health use the new nodes; a retrieve running on a changed
       * node stops). Invalid settings: INVALID_REQUEST naming the field, nothing saved.
       */
      'nodes.save': request(z.object({ nodes: z.array(NodeSettings).max(100), localScp: LocalScpEdit.optional(), secrets: SecretValues.optional() }).strict(), NodeSettingsState),
      /** The prefetch rules (defaults filled in). */
      'prefetch.get': request(Empty, PrefetchSettings),
      /** Saves them; they apply to the next study opened (and today's studies at the next start). */
      'prefetch.set': request(PrefetchSettings.strict(), PrefetchSettings),
      /** The reader's own hanging protocols as saved (each checked by the viewer: a hand-edited one may be invalid). */
      'protocols.get': request(Empty, z.object({ protocols: z.array(z.record(z.string(), z.unknown())) })),
      /** Replaces them (the settings window's import and remove); every protocol must be valid, ids unique. */
      'protocols.set': request(z.object({ protocols: z.array(hangingProtocolSchema).max(200) }).strict(), z.object({ protocols: z.array(z.record(z.string(), z.unknown())) })),
      /** Echo, then a one-study query, against a node as typed (saved or not); typed secrets are used for this test only. */
      'nodes.test': request(z.object({ node: NodeSettings, secrets: SecretValues.optional() }).strict(), NodeTestResult),
    },
    shortcuts: {
      get: request(Empty, ShortcutsState),
      /** Replaces the saved overrides; an invalid key or a key on two actions is refused (INVALID_REQUEST naming both). */
      set: request(z.object({ overrides: ShortcutOverrides }).strict(), ShortcutsState),
    },
    suv: {
      /** The saved corrections of a PET series' SUV inputs and the overrides they make. */
      'corrections.get': request(z.object({ seriesInstanceUid: Uid }).strict(), SuvCorrectionsState),
      /** Saves one correction (a reason is required), audits it and writes the corrected mapping as an RWVM instance. */
      'corrections.save': request(
        z
          .object({
            studyInstanceUid: Uid,
            seriesInstanceUid: Uid,
            field: SuvCorrectionField,
            value: z.union([z.number().finite(), z.string().min(1).max(64)]),
            reason: z.string().trim().min(1, 'A correction needs a reason').max(1000),
            /** Also send the RWVM instance to this PACS node; a send failure never undoes the local save. */
            sendTo: NodeId.optional(),
          })
          .strict(),
        SuvCorrectionSaved,
      ),
    },
    pacs: {
      /** Sends local instances to a PACS node (STOW-RS; a DIMSE node is refused). Fails as a whole with a clear message (unreachable, auth, refused); instances refused one by one are in `failed`. */
      send: request(z.object({ nodeId: NodeId, studyInstanceUid: Uid, sopInstanceUids: z.array(Uid).min(1).max(10000) }).strict(), SendOutcome),
    },
    registration: {
      /** Saves overlay → base (moving → fixed patient mm) as a Spatial Registration object in the local archive (base's study); optionally sends it. */
      save: request(
        z
          .object({
            fixed: SeriesKey,
            moving: SeriesKey,
            matrix: Matrix4Wire,
            description: z.string().max(64).optional(),
            sendTo: NodeId.optional(),
          })
          .strict(),
        z.object({ sopInstanceUid: z.string(), studyInstanceUid: z.string(), seriesInstanceUid: z.string(), send: SendOutcome.optional() }),
      ),
    },
    reports: {
      /**
       * Saves the study's measurements as a new version of the viewer's TID 1500 SR in the local archive (issue #19);
       * `predecessors` are the SRs it includes (the previous version, other viewers' reports it drew). An empty list
       * is a version too: every measurement deleted. Optionally sends the new SR.
       */
      saveMeasurements: request(
        z
          .object({
            studyInstanceUid: Uid,
            measurements: z.array(savedMeasurementSchema).max(5000),
            predecessors: z.array(Uid).max(1000),
            sendTo: NodeId.optional(),
          })
          .strict(),
        z.object({ sopInstanceUid: z.string(), studyInstanceUid: z.string(), seriesInstanceUid: z.string(), send: SendOutcome.optional() }),
      ),
      /**
       * Records in the audit trail that the study's measurements leave the workstation as a CSV file the reader
       * downloads (an Export, DICOM PS3.15 A.5.3.4); the renderer writes the file only once this answered.
       */
      csvExported: request(
        z
          .object({
            studyInstanceUid: Uid,
            fileName: z.string().min(1).max(255),
            rows: z.number().int().min(0).max(1_000_000),
          })
          .strict(),
        z.object({ recorded: z.boolean() }),
      ),
      /** Saves the key images of one title as a new version of the viewer's Key Object Selection document for it. */
      saveKeyImages: request(
        z
          .object({
            studyInstanceUid: Uid,
            title: z.enum(KEY_IMAGE_TITLE_IDS as [KeyImageTitle, ...KeyImageTitle[]]),
            // None: the title's last key image was unmarked (its saved versions are rejected by an IOCM note).
            images: z.array(savedImageRefSchema).max(10000),
            description: z.string().max(1024).optional(),
            sendTo: NodeId.optional(),
          })
          .strict(),
        z.object({ sopInstanceUid: z.string(), studyInstanceUid: z.string(), seriesInstanceUid: z.string(), send: SendOutcome.optional() }),
      ),
    },
    audit: {
      /** The audit trail, filtered (reading it is itself recorded: Audit Log Used). */
      list: request(AuditListRequest, AuditListResult),
      /** One record: its message and its place in the chain. */
      show: request(z.object({ index: z.number().int().nonnegative() }).strict(), AuditRecordDetail),
      /** The hash chain's state, as `dokuei audit verify --json` reports it. */
      verify: request(Empty, AuditVerifyResult),
    },
    retrieve: {
      start: request(z.object({ studyInstanceUid: Uid, seriesInstanceUid: Uid.optional(), nodeId: NodeId.optional() }).strict(), RetrieveJob),
      cancel: request(z.object({ jobId: z.string().uuid() }).strict(), z.object({ cancelled: z.boolean() })),
      list: request(Empty, z.array(RetrieveJob)),
    },
  },
  events: {
    storeChanged: event(StoreChanged),
    retrieveProgress: event(RetrieveJob),
    nodeHealthChanged: event(z.array(NodeHealthRow)),
  },
} as const;

export type Contract = typeof contract;
type Requests = Contract['requests'];
type Events = Contract['events'];

/** "app.getInfo" etc.: the channel name is the path in the contract. */
export type RequestChannel = {
  [NS in keyof Requests & string]: `${NS}.${keyof Requests[NS] & string}`;
}[keyof Requests & string];
export type EventName = keyof Events & string;

export type RequestOf<NS extends keyof Requests, M extends keyof Requests[NS]> =
  Requests[NS][M] extends RequestDef<infer Req, z.ZodType> ? z.input<Req> : never;
export type ResponseOf<NS extends keyof Requests, M extends keyof Requests[NS]> =
  Requests[NS][M] extends RequestDef<z.ZodType, infer Res> ? z.output<Res> : never;
export type PayloadOf<E extends EventName> = Events[E] extends EventDef<infer P> ? z.output<P> : never;

/** What the renderer sees as `window.dokuei`. */
export type DokueiApi = {
  [NS in keyof Requests]: {
    [M in keyof Requests[NS]]: (request: RequestOf<NS, M>) => Promise<ResponseOf<NS, M>>;
  };
} & {
  on: { [E in EventName]: (listener: (payload: PayloadOf<E>) => void) => () => void };
};

/** Caller context passed to every handler: who asked, and how to send events back to that window. */
export interface CallContext {
  windowId: string;
  emit<E extends EventName>(event: E, payload: PayloadOf<E>): void;
}

export type Handlers = {
  [NS in keyof Requests]: {
    [M in keyof Requests[NS]]: (request: z.output<Requests[NS][M] extends RequestDef<infer Req, z.ZodType> ? Req : never>, ctx: CallContext) => Promise<ResponseOf<NS, M>>;
  };
};

export interface ChannelEntry {
  channel: RequestChannel;
  namespace: string;
  method: string;
  def: RequestDef;
}

/** Every request channel, in contract order. Binders and clients iterate this and nothing else. */
export function requestChannels(): ChannelEntry[] {
  const out: ChannelEntry[] = [];
  for (const [namespace, methods] of Object.entries(contract.requests)) {
    for (const [method, def] of Object.entries(methods)) {
      out.push({ channel: `${namespace}.${method}` as RequestChannel, namespace, method, def: def as RequestDef });
    }
  }
  return out;
}

export function eventNames(): EventName[] {
  return Object.keys(contract.events) as EventName[];
}

/** "storeChanged" → "onStoreChanged", the name under `on` is the plain event name. */
export const ELECTRON_CHANNEL_PREFIX = 'dokuei:';
export const electronRequestChannel = (channel: RequestChannel): string => `${ELECTRON_CHANNEL_PREFIX}${channel}`;
export const electronEventChannel = (event: EventName): string => `${ELECTRON_CHANNEL_PREFIX}event:${event}`;
