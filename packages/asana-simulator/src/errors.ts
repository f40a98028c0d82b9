/** A control operation the simulator refuses; the HTTP layer turns it into a JSON error. */
export class SimControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'SimControlError';
  }
}
