/** The streaming multipart parser lives in common/ (the renderer parses the series pixel stream with it too). */
export { MultipartStreamError, MultipartStreamParser, multipartBoundary, type StreamedPart } from '../../../../common/dicom/multipartStream';
