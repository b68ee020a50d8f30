/**
 * Pure helpers behind the Flow Timeline tree and its context menu (no `vscode`: tested in
 * plain Node).
 */
import type { Flow, OAuthEvent } from '../../core/model';

/** The codicon for a flow or stage status. */
export function treeStatusIcon(status: string): string {
  switch (status) {
    case 'ok': return 'pass';
    case 'failed': return 'error';
    case 'incomplete': return 'warning';
    case 'missing': return 'circle-large-outline';
    default: return 'circle-slash';
  }
}

/**
 * What "Copy Fingerprint" copies for a flow: the fingerprint of the first token or code the flow
 * carried (the same `fp:…` the logs, reports and other tools show), else the flow id.
 */
export function flowFingerprint(flow: Flow): string {
  for (const e of flow.events) {
    const fp = eventFingerprint(e);
    if (fp) return fp;
  }
  return flow.id;
}

/** The fingerprint of the first secret on an event: a token, the code, the refresh token, the verifier. */
export function eventFingerprint(e: OAuthEvent): string | undefined {
  return e.tokens?.[0]?.fingerprint ?? e.code?.fingerprint ?? e.refreshToken?.fingerprint ?? e.codeVerifier?.fingerprint;
}

/** Badge text for the view: undefined when nothing fails (VS Code then hides the badge). */
export function failingBadge(failing: number, tooltip: (n: number) => string): { value: number; tooltip: string } | undefined {
  return failing > 0 ? { value: failing, tooltip: tooltip(failing) } : undefined;
}
