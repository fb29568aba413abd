/**
 * The archive's index journal as a damaging test sees it from outside: its frames' byte spans, read from the
 * clear framing ("DKJ2" | u32 LE length | encrypted body, electron/services/archive/crypto.ts) without the key,
 * and one flipped byte in a chosen frame (issue 16: "one flipped byte in frame 10 of 277").
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** The spans of the v2 frames of `journal`, first frame first (frame n is `spans[n - 1]`). */
export function journalFrameSpans(journal: Buffer): { offset: number; end: number }[] {
  const spans: { offset: number; end: number }[] = [];
  for (let pos = 0; pos + 8 <= journal.length; ) {
    if (journal.toString('latin1', pos, pos + 4) !== 'DKJ2') throw new Error(`no journal frame at byte ${pos}`);
    const end = pos + 8 + journal.readUInt32LE(pos + 4);
    spans.push({ offset: pos, end });
    pos = end;
  }
  return spans;
}

/** Flips one byte in the middle of frame `frame` (1-based) of the archive's journal; returns how many frames it has. */
export async function flipJournalByte(archiveDir: string, frame: number): Promise<number> {
  const file = path.join(archiveDir, 'index.journal');
  const bytes = await fs.readFile(file);
  const spans = journalFrameSpans(bytes);
  const span = spans[frame - 1];
  if (!span) throw new Error(`the journal has ${spans.length} frames, not ${frame}`);
  bytes[(span.offset + span.end) >> 1]! ^= 0x5a;
  await fs.writeFile(file, bytes);
  return spans.length;
}
