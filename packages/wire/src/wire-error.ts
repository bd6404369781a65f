/** The payload as a whole cannot be read (not one span could be trusted); the message names the field. */
export class WireError extends Error {
  override name = 'WireError';
}
