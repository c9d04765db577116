/**
 * Internal (not exported from the package): reading what was thrown.
 * @module
 */

/**
 * The message of anything thrown. An Error made in another realm (the addon's errors, seen from a
 * `vm` context such as a jest test) is not `instanceof Error` here, yet has its message.
 * @example errorMessage(new Error('gone')) // 'gone'
 */
export function errorMessage(error: unknown): string {
  const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : String(error);
}
