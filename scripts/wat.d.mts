/** Types for wat.mjs (used by the unit tests of the SIMD gate). */
export function compileWat(path: string): Promise<Uint8Array<ArrayBuffer>>;
