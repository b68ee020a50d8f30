/**
 * The scan thread of `oauth-diagnose scan` for big inputs (see scanInThread in scanCommand.ts):
 * runs scanFiles with the heap limits the main thread cannot have, and posts the report text and
 * the exit code back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ScanArgs } from './scanCommand';
import { scanFiles } from './scanCommand';

if (parentPort) {
  const port = parentPort;
  const { parsed } = workerData as { parsed: ScanArgs };
  scanFiles(parsed, (s) => port.postMessage({ out: s }), (s) => port.postMessage({ err: s })).then(
    (code) => port.postMessage({ code }),
    (e: unknown) => port.postMessage({ err: `oauth-diagnose scan: ${e instanceof Error ? e.message : String(e)}\n`, code: 2 }),
  );
}
