/**
 * An SR's content tree as a reader reads it (issue #19): containers as headings with their content beneath, text as
 * paragraphs, coded values as "Concept: Meaning", numbers with their unit, dates and names; image references and
 * regions as buttons that show the image in the viewer. The concept names and values are the document's own words
 * (usually English); only the panel's own words are translated. Items that could not be read say why, in place.
 */
import type { ReactNode } from 'react';
import type { SrImageRef, SrNode } from '../../../../common/sr';
import { displayPersonName, useLanguage, useTranslation } from '../../../ui/i18n';
import type { JumpToImage } from '../jumpEvent';
import { codeText, dateText, dateTimeText, numValueText, timeText, words, type Translate } from '../model/format';
import { imageLabel, jumpTarget, uidTail, type ImageInfo, type ImageLocation } from '../model/imageRefs';

export interface ImageLookup {
  /** What the study listings say of each referenced image (instance number, series description). */
  images: ReadonlyMap<string, ImageInfo>;
  /** Where each image is, from the document's evidence. */
  evidence: ReadonlyMap<string, ImageLocation>;
}

export interface SrTreeViewProps extends ImageLookup {
  root: SrNode;
  onJumpToImage: (target: JumpToImage) => void;
  /** The level of the top containers' headings (the panel's title is an h2). */
  headingLevel?: number;
}

export function SrTreeView({ root, images, evidence, onJumpToImage, headingLevel = 3 }: SrTreeViewProps) {
  const { t } = useTranslation();
  const language = useLanguage();
  const ctx: RenderContext = { t: words(t), language, images, evidence, onJumpToImage, headingLevel };
  // The root's concept is the document's title, shown by the panel: the tree starts with what it holds.
  const top = root.kind === 'container' ? root.children : [root];
  return (
    <ul className="sr-tree" aria-label={t('reports.tree.label')} data-testid="sr-tree">
      {top.map((n) => (
        <NodeItem key={n.id} node={n} depth={0} ctx={ctx} />
      ))}
    </ul>
  );
}

interface RenderContext extends ImageLookup {
  t: Translate;
  language: 'ja' | 'en';
  onJumpToImage: (target: JumpToImage) => void;
  headingLevel: number;
}

/** A button that shows `ref` in the viewer; plain text when the image's series is not known (nowhere to jump). */
export function ImageButton({ imageRef, frame, label, lookup, onJumpToImage }: { imageRef: SrImageRef; frame?: number; label?: string; lookup: ImageLookup; onJumpToImage: (target: JumpToImage) => void }) {
  const { t } = useTranslation();
  const info = lookup.images.get(imageRef.sopInstanceUid);
  const target = jumpTarget(imageRef, info ?? lookup.evidence.get(imageRef.sopInstanceUid), frame);
  const text = label ?? imageLabel(words(t), imageRef, info ?? lookup.evidence.get(imageRef.sopInstanceUid), frame ?? imageRef.frames?.[0]);
  if (!target) return <span className="sr-image-ref">{text}</span>;
  return (
    <button type="button" className="sr-image-ref" title={t('reports.tree.jumpHint')} data-sop-instance-uid={imageRef.sopInstanceUid} onClick={() => onJumpToImage(target)}>
      {text}
    </button>
  );
}

function Heading({ level, children }: { level: number; children: ReactNode }) {
  const l = Math.min(6, Math.max(2, level));
  const Tag = `h${l}` as 'h2' | 'h3' | 'h4' | 'h5' | 'h6';
  return <Tag className="sr-heading">{children}</Tag>;
}

/** "Concept: value" (just the value when the item has no concept name). */
function Line({ concept, children, className }: { concept: string; children: ReactNode; className?: string }) {
  return (
    <div className={`sr-line ${className ?? ''}`}>
      {concept ? <span className="sr-concept">{concept}: </span> : null}
      <span className="sr-value">{children}</span>
    </div>
  );
}

function NodeItem({ node, depth, ctx }: { node: SrNode; depth: number; ctx: RenderContext }) {
  const concept = codeText(node.concept);
  const { t } = ctx;
  let body: ReactNode;
  let children = node.children;
  switch (node.kind) {
    case 'container':
      body = concept ? <Heading level={ctx.headingLevel + depth}>{concept}</Heading> : null;
      break;
    case 'text':
      body = (
        <p className="sr-text">
          {concept ? <span className="sr-concept">{concept}: </span> : null}
          {node.text}
        </p>
      );
      break;
    case 'code':
      body = <Line concept={concept}>{codeText(node.code)}</Line>;
      break;
    case 'num':
      body = (
        <Line concept={concept} className="sr-num">
          {numValueText(node)}
        </Line>
      );
      break;
    case 'date':
      body = <Line concept={concept}>{dateText(node.date, ctx.language)}</Line>;
      break;
    case 'time':
      body = <Line concept={concept}>{timeText(node.time)}</Line>;
      break;
    case 'datetime':
      body = <Line concept={concept}>{dateTimeText(node.dateTime, ctx.language)}</Line>;
      break;
    case 'pname':
      body = <Line concept={concept}>{displayPersonName(node.name, ctx.language) || node.text}</Line>;
      break;
    case 'uidref':
      body = (
        <Line concept={concept}>
          <code>{node.uid}</code>
        </Line>
      );
      break;
    case 'image':
      body = (
        <Line concept={concept}>
          <ImageButton imageRef={node.image} lookup={ctx} onJumpToImage={ctx.onJumpToImage} />
        </Line>
      );
      break;
    case 'scoord': {
      const image = node.image;
      const shape = t(`reports.tree.shape.${node.graphicType}`);
      // The image the region is drawn on is in the button: its SELECTED FROM child would say it twice.
      children = children.filter((c) => !(image && c.kind === 'image' && c.image.sopInstanceUid === image.sopInstanceUid));
      body = (
        <Line concept={concept}>
          {image ? (
            <ImageButton
              imageRef={image}
              lookup={ctx}
              onJumpToImage={ctx.onJumpToImage}
              label={t('reports.tree.region', { shape, image: imageLabel(t, image, ctx.images.get(image.sopInstanceUid) ?? ctx.evidence.get(image.sopInstanceUid), image.frames?.[0]) })}
            />
          ) : (
            t('reports.tree.regionNoImage', { shape })
          )}
        </Line>
      );
      break;
    }
    case 'scoord3d':
      body = <Line concept={concept}>{t('reports.tree.region3d', { shape: t(`reports.tree.shape.${node.graphicType}`), count: node.points.length })}</Line>;
      break;
    case 'tcoord':
      body = <Line concept={concept}>{t('reports.tree.timeRange', { type: node.temporalRangeType })}</Line>;
      break;
    case 'composite':
    case 'waveform':
      body = <Line concept={concept}>{t('reports.tree.object', { uid: uidTail(node.ref.sopInstanceUid) })}</Line>;
      break;
    case 'reference':
      body = (
        <Line concept={concept}>
          {t(node.loop ? 'reports.tree.referenceLoop' : node.targetFound ? 'reports.tree.reference' : 'reports.tree.referenceMissing', { target: node.target })}
        </Line>
      );
      break;
    case 'invalid':
      body = (
        <div className="sr-invalid" role="note">
          {concept ? <span className="sr-concept">{concept}: </span> : null}
          {t('reports.tree.invalid', { reason: node.reason })}
        </div>
      );
      break;
  }
  return (
    <li className={`sr-node sr-kind-${node.kind}`} data-item-id={node.id} data-kind={node.kind} title={node.warnings?.join('\n')}>
      {body}
      {children.length > 0 ? (
        <ul className="sr-children">
          {children.map((c) => (
            <NodeItem key={c.id} node={c} depth={depth + 1} ctx={ctx} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}
