/**
 * Prefixes that log shippers and containers put in front of the application's own line:
 * `docker compose logs` (`app-1  | …`), `kubectl logs --prefix` (`[pod/api-7d9/app] …`), CRI /
 * containerd files (`2024-01-15T10:23:45.1Z stdout F …`), and syslog (RFC 3164
 * `Jan 15 10:23:45 host nginx[12]: …` and RFC 5424 `<13>1 2024-01-15T10:23:45Z host app 12 - - …`).
 * Stripping them lets the format parsers see the line as the application wrote it.
 */
const ENVELOPES: readonly RegExp[] = [
  /^[A-Za-z0-9][\w.-]{0,63}\s{1,12}\|\s/,
  /^\[pod\/[^\]\s]{1,200}\]\s/,
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2}) (?:stdout|stderr) [FP] /,
  /^(?:<\d{1,3}>)?[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} [^\s:]{1,64} [^\s:[]{1,64}(?:\[\d{1,10}\])?: /,
  /^<\d{1,3}>1 \S{1,40} \S{1,64} \S{1,64} \S{1,32} \S{1,32} (?:-|\[[^\]]{0,512}\]) /,
];

/** The envelope `text` starts with, if any. */
export function envelopeOf(text: string): RegExp | undefined {
  const c = text.charCodeAt(0);
  // Cheap gate: every envelope starts with a letter, a digit, `[` or `<`.
  if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 91 || c === 60)) return undefined;
  const head = text.length > 600 ? text.slice(0, 600) : text;
  for (const re of ENVELOPES) if (re.test(head)) return re;
  return undefined;
}

/** `text` without its envelope (unchanged when it has none). */
export function stripEnvelope(text: string, re: RegExp | undefined = envelopeOf(text)): string {
  if (re === undefined) return text;
  const m = re.exec(text.length > 600 ? text.slice(0, 600) : text);
  return m ? text.slice(m[0].length) : text;
}
