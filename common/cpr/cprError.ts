/**
 * The one error type of curved planar reformation: thrown for input the reader (or the caller) can correct, with a
 * sentence that says what is wrong. Anything else thrown from common/cpr is a bug.
 */
export class CprError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CprError';
  }
}
