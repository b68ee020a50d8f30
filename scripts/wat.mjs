// Compiles a WebAssembly text module (with SIMD) to binary with wabt, for the build and the tests.
import { readFileSync } from 'node:fs';
import wabtInit from 'wabt';

/** The binary of the .wat file at `path`; throws with wabt's message when it does not compile. */
export async function compileWat(path) {
  const wabt = await wabtInit();
  const mod = wabt.parseWat(path, readFileSync(path, 'utf8'), { simd: true });
  try {
    mod.validate();
    return mod.toBinary({ log: false }).buffer;
  } finally {
    mod.destroy();
  }
}
