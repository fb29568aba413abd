/**
 * Wraps a dataset received over DIMSE (bytes in the negotiated transfer syntax) into a DICOM Part 10 file:
 * preamble, "DICM", and the File Meta Information group written here. The dataset bytes are kept exactly
 * as they arrived (re-encoding through a parser would change them), which Part 10 allows for every
 * transfer syntax, deflated and encapsulated ones included.
 */

/** Dokuei's implementation class UID (a UUID-derived 2.25 UID, PS3.5 B.2), written into file meta. */
export const DOKUEI_IMPLEMENTATION_CLASS_UID = '2.25.29103491387656307459597071470328591772';
export const DOKUEI_IMPLEMENTATION_VERSION = 'DOKUEI_0_1';

export interface Part10Input {
  /** The dataset as received, in transferSyntaxUid. */
  dataset: Uint8Array;
  transferSyntaxUid: string;
  sopClassUid: string;
  sopInstanceUid: string;
  /** The AE that sent it (Source Application Entity Title, 0002,0016). */
  sourceAeTitle?: string;
}

function padded(value: string, pad: number): Buffer {
  const bytes = Buffer.from(value, 'latin1');
  return bytes.length % 2 === 0 ? bytes : Buffer.concat([bytes, Buffer.from([pad])]);
}

/** One explicit VR little endian element of group 0002 with a 16-bit length (UL, UI, SH, AE). */
function shortElement(element: number, vr: string, value: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16LE(0x0002, 0);
  head.writeUInt16LE(element, 2);
  head.write(vr, 4, 'latin1');
  head.writeUInt16LE(value.length, 6);
  return Buffer.concat([head, value]);
}

function uiElement(element: number, uid: string): Buffer {
  const uidValue = uid.replace(/\0+$/, '').trim();
  if (!/^[0-9.]{1,64}$/.test(uidValue)) throw new Error(`Not a valid UID for file meta (0002,${element.toString(16).padStart(4, '0')}): "${uid}"`);
  return shortElement(element, 'UI', padded(uidValue, 0));
}

export function toPart10(input: Part10Input): Uint8Array {
  const versionHead = Buffer.alloc(12);
  versionHead.writeUInt16LE(0x0002, 0);
  versionHead.writeUInt16LE(0x0001, 2);
  versionHead.write('OB', 4, 'latin1');
  versionHead.writeUInt32LE(2, 8);
  const elements = [
    Buffer.concat([versionHead, Buffer.from([0, 1])]),
    uiElement(0x0002, input.sopClassUid),
    uiElement(0x0003, input.sopInstanceUid),
    uiElement(0x0010, input.transferSyntaxUid),
    uiElement(0x0012, DOKUEI_IMPLEMENTATION_CLASS_UID),
    shortElement(0x0013, 'SH', padded(DOKUEI_IMPLEMENTATION_VERSION, 0x20)),
  ];
  const source = input.sourceAeTitle?.trim();
  if (source) elements.push(shortElement(0x0016, 'AE', padded(source.slice(0, 16), 0x20)));
  const body = Buffer.concat(elements);
  const groupLength = Buffer.alloc(4);
  groupLength.writeUInt32LE(body.length, 0);

  const out = new Uint8Array(132 + 12 + body.length + input.dataset.byteLength);
  out.set(Buffer.from('DICM', 'latin1'), 128);
  out.set(shortElement(0x0000, 'UL', groupLength), 132);
  out.set(body, 144);
  out.set(input.dataset, 144 + body.length);
  return out;
}
