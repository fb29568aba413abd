/** Too few of the samples fall inside the moving image (or the ROI): registration cannot go on. */
export class RegistrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistrationError';
  }
}
