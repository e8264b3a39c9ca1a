/** One page of a longer list, and the refusal of a cursor this service did not give out. */

export interface Page<T> {
  items: T[];
  /** Opaque; pass back to get the next page. Absent on the last page. */
  cursor?: string;
}

export class InvalidCursorError extends Error {
  readonly type = 'invalid-cursor';
  constructor() {
    super('the cursor is not one this service gave out');
    this.name = 'InvalidCursorError';
  }
}
