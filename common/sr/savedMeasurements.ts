/**
 * What the viewer saves of a study's measurements and key images (issue #19), independent of cornerstone and of
 * DICOM encoding: the renderer builds these from its annotations, the services write them as a TID 1500
 * Comprehensive 3D SR (electron/services/reports/measurementReportWriter.ts) or a Key Object Selection document
 * (keyObjectWriter.ts), and the reader (tid1500.ts) turns SRs back into them (savedFromSr.ts).
 *
 * Geometry stays in the coordinates DICOM SR uses: 2D tools in image pixel coordinates of the referenced image
 * (column, row; 0,0 = the top-left corner of the first pixel, so 0.5,0.5 is its centre — PS3.3 C.18.6.1.1, the
 * same convention as cornerstone's image coordinates), 3D in mm of a frame of reference.
 */
import { z } from 'zod';

/** The viewer tools whose measurements are saved; the names are cornerstone's (and the SR tracking identifiers'). */
export const SAVED_TOOLS = ['Length', 'Angle', 'EllipticalROI', 'RectangleROI', 'Probe', 'SphereROI', 'EllipseROI3D', 'CurvedPath'] as const;
export type SavedTool = (typeof SAVED_TOOLS)[number];

/** What a saved value measures. */
export const SAVED_QUANTITIES = ['length', 'angle', 'area', 'mean', 'stdDev', 'min', 'max', 'value', 'suvMax', 'suvMean', 'suvPeak', 'volume'] as const;
export type SavedQuantity = (typeof SAVED_QUANTITIES)[number];

const uid = z.string().regex(/^[0-9]+(\.[0-9]+)*$/).max(64);
const finite = z.number().finite();

export const savedImageRefSchema = z.object({
  /** Known to the viewer for images it shows; an SR from elsewhere may leave it to the archive to fill in. */
  sopClassUid: uid.optional(),
  sopInstanceUid: uid,
  /** As sopClassUid: the services look it up in the archive when absent. */
  seriesInstanceUid: uid.optional(),
  /** 1-based frame of a multi-frame image. */
  frame: z.number().int().positive().optional(),
});
export type SavedImageRef = z.infer<typeof savedImageRefSchema>;

export const savedValueSchema = z.object({
  quantity: z.enum(SAVED_QUANTITIES),
  value: finite,
  /** UCUM: "mm", "mm2", "deg", "[hnsf'U]" (HU), "{SUVbw}g/ml", "1"… */
  unit: z.string().min(1).max(32),
});
export type SavedValue = z.infer<typeof savedValueSchema>;

export const savedMeasurementSchema = z.object({
  /** Tracking Unique Identifier (112040): cornerstone's annotation UID when it is a UID, else a new one. */
  trackingUid: uid,
  tool: z.enum(SAVED_TOOLS),
  /** A free-text label the reader gave it. */
  label: z.string().max(64).optional(),
  /** 2D tools: the image the points are on. */
  image: savedImageRefSchema.optional(),
  /** 3D tools (SphereROI, EllipseROI3D, CurvedPath): the frame of reference of the points. */
  frameOfReferenceUid: uid.optional(),
  /**
   * 2D: [column, row] per point in image pixels. Length: 2 points. Angle: 3 (end, vertex, end). EllipticalROI: 4
   * (the ends of the major axis, then of the minor axis, as DICOM ELLIPSE). RectangleROI: 4 corners in order.
   * Probe: 1. 3D: [x, y, z] mm. SphereROI: 2 (centre, a point on the surface). EllipseROI3D (the PET/CT layout's
   * ellipse, in the plane it was drawn in): 4, as EllipticalROI. CurvedPath: ≥ 2 (the path's points).
   */
  points: z.array(z.array(finite).min(2).max(3)).min(1).max(4096),
  values: z.array(savedValueSchema).max(32),
});
export type SavedMeasurement = z.infer<typeof savedMeasurementSchema>;

/** Key Object Selection document titles (CID 7010) the viewer offers. */
export const KEY_IMAGE_TITLES = {
  ofInterest: { value: '113000', scheme: 'DCM', meaning: 'Of Interest' },
  forSurgery: { value: '113003', scheme: 'DCM', meaning: 'For Surgery' },
  forTeaching: { value: '113004', scheme: 'DCM', meaning: 'For Teaching' },
  forReferringProvider: { value: '113002', scheme: 'DCM', meaning: 'For Referring Provider' },
  forConference: { value: '113005', scheme: 'DCM', meaning: 'For Conference' },
  forTherapy: { value: '113006', scheme: 'DCM', meaning: 'For Therapy' },
  forResearch: { value: '113009', scheme: 'DCM', meaning: 'For Research' },
} as const;
export type KeyImageTitle = keyof typeof KEY_IMAGE_TITLES;
export const KEY_IMAGE_TITLE_IDS = Object.keys(KEY_IMAGE_TITLES) as KeyImageTitle[];
