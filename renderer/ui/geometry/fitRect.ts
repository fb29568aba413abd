/** Where an image drawn on a canvas by the renderer itself goes in its box (4DCT phases, curved MPR). Pure. */

export interface DrawRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The largest rectangle of the image's true aspect (widthMm × heightMm) centred in a box, in the box's pixels. */
export function fitRect(boxWidth: number, boxHeight: number, widthMm: number, heightMm: number): DrawRect {
  if (!(boxWidth > 0 && boxHeight > 0 && widthMm > 0 && heightMm > 0)) return { x: 0, y: 0, width: 0, height: 0 };
  const scale = Math.min(boxWidth / widthMm, boxHeight / heightMm);
  const width = widthMm * scale;
  const height = heightMm * scale;
  return { x: (boxWidth - width) / 2, y: (boxHeight - height) / 2, width, height };
}
