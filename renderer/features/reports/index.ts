// Reports (issue #19): SR content trees and encapsulated PDFs in a reading panel, and the jump-to-image request
// their image references make. What other features use.
export { ReportPanel, type ReportPanelProps } from './components/ReportPanel';
export { SrTreeView } from './components/SrTreeView';
export { PdfView } from './components/PdfView';
export { JUMP_TO_IMAGE_EVENT, requestJumpToImage, setPendingJump, takePendingJump, markJumpTaken, jumpUntaken, type JumpToImage } from './jumpEvent';
export { reportSeriesKind } from './model/reportHeading';
