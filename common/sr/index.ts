/** Structured reports: the content tree of any SR, and TID 1500 measurement reports read back into measurements. */
export * from './contentTree';
export * from './tid1500';
export { isCode } from './srElements';
