/**
 * Keycloak event logs (the `org.keycloak.events` logger), in both styles:
 * `WARN  [org.keycloak.events] (default task-3) type=CODE_TO_TOKEN_ERROR, realmId=demo, clientId=app, …`
 * (WildFly, unquoted) and `type="CODE_TO_TOKEN_ERROR", realmId="…", clientId="app", error="invalid_code"`
 * (Quarkus). Event types map to flow stages; Keycloak error names map to OAuth errors and, where
 * they name a cause, to a catalog id.
 */
import type { FindingId } from '../catalog/findingIds';
import type { Stage } from '../model';
import type { EventDraft } from './oauthFields';
import { applyParam, applyText } from './oauthFields';
import { fingerprint } from '../redact/redact';
import type { ParsedLine, ParseOptions } from './parsed';
import { parseIsoTime } from './timestamps';
import { stripEnvelope } from './envelope';

/** True when `text` carries a Keycloak event. */
export function isKeycloakLine(text: string): boolean {
  // `, realm` is a literal of the regex: lines without it (most) skip the scan.
  return text.includes('org.keycloak.events') || (text.includes(', realm') && /(?:^|[\s,(])type="?[A-Z][A-Z_]{2,40}"?, realm(?:Id|Name)=/.test(text.length > 4096 ? text.slice(0, 4096) : text));
}

const TYPE_STAGE: Record<string, Stage> = {
  LOGIN: 'consent', LOGIN_ERROR: 'consent', REGISTER: 'consent', REGISTER_ERROR: 'consent',
  CODE_TO_TOKEN: 'token_issued', CODE_TO_TOKEN_ERROR: 'token',
  REFRESH_TOKEN: 'token_issued', REFRESH_TOKEN_ERROR: 'token',
  CLIENT_LOGIN: 'token_issued', CLIENT_LOGIN_ERROR: 'token',
  TOKEN_EXCHANGE: 'token_issued', TOKEN_EXCHANGE_ERROR: 'token',
  CLIENT_REGISTER: 'registration', CLIENT_REGISTER_ERROR: 'registration',
  CLIENT_INITIATED_ACCOUNT_LINKING: 'authorize',
  INTROSPECT_TOKEN: 'api', INTROSPECT_TOKEN_ERROR: 'api', USER_INFO_REQUEST: 'api', USER_INFO_REQUEST_ERROR: 'api',
  GRANT_CONSENT: 'consent', GRANT_CONSENT_ERROR: 'consent', UPDATE_CONSENT: 'consent',
  PERMISSION_TOKEN: 'token_issued', PERMISSION_TOKEN_ERROR: 'token',
  AUTHREQID_TO_TOKEN: 'token_issued', AUTHREQID_TO_TOKEN_ERROR: 'token',
};

/** Keycloak error names → OAuth error, a catalog id when precise, and a stage override. */
const ERRORS: Record<string, { error: string; reason?: FindingId; stage?: Stage }> = {
  // "Code not valid": unknown, already used or from another session – the flow decides which.
  invalid_code: { error: 'invalid_grant' },
  code_expired: { error: 'invalid_grant', reason: 'code_expired' },
  expired_code: { error: 'invalid_grant', reason: 'session_expired' },
  invalid_code_verifier: { error: 'invalid_grant', reason: 'pkce_mismatch' },
  pkce_verification_failed: { error: 'invalid_grant', reason: 'pkce_mismatch' },
  invalid_redirect_uri: { error: 'invalid_request', reason: 'redirect_uri_mismatch', stage: 'authorize' },
  client_not_found: { error: 'invalid_client', reason: 'invalid_client', stage: 'authorize' },
  client_disabled: { error: 'invalid_client', reason: 'invalid_client' },
  invalid_client_credentials: { error: 'invalid_client', reason: 'invalid_client' },
  invalid_client: { error: 'invalid_client', reason: 'invalid_client' },
  not_allowed: { error: 'unauthorized_client', reason: 'unauthorized_client' },
  invalid_token: { error: 'invalid_grant', reason: 'refresh_token_invalid' },
  stale_token: { error: 'invalid_grant', reason: 'refresh_token_reused' },
  session_expired: { error: 'invalid_grant', reason: 'session_expired' },
  user_session_not_found: { error: 'invalid_grant', reason: 'session_expired' },
  session_not_active: { error: 'invalid_grant', reason: 'session_expired' },
  rejected_by_user: { error: 'access_denied', reason: 'access_denied' },
  consent_denied: { error: 'access_denied', reason: 'access_denied' },
  invalid_request: { error: 'invalid_request' },
  invalid_scope: { error: 'invalid_scope', reason: 'scope_not_allowed' },
  unsupported_grant_type: { error: 'unsupported_grant_type', reason: 'unsupported_grant_type' },
  invalid_user_credentials: { error: 'invalid_user_credentials' },
  user_not_found: { error: 'user_not_found' },
};

const PAIR_RE = /(?:^|[\s,(])([A-Za-z][A-Za-z0-9_]{0,40})=(?:"((?:[^"\\]|\\.){0,2048})"|([^,\s"]{0,2048}))/g;
const KC_PREFIX_RE = /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?)\s+(TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL)\b/;

/** Reads one Keycloak event line; null when it is not one. */
export function parseKeycloakLine(text: string, opts: ParseOptions = {}): ParsedLine | null {
  const t0 = text.length > 16_384 ? text.slice(0, 16_384) : text;
  const typeAt = t0.search(/(?:^|[\s,(])type="?[A-Z]/);
  if (typeAt < 0 || !isKeycloakLine(t0)) return null;
  const ev: EventDraft = {};
  const prefix = KC_PREFIX_RE.exec(t0) ?? KC_PREFIX_RE.exec(stripEnvelope(t0));
  if (prefix) {
    const t = parseIsoTime(prefix[1]!, opts.timeZone);
    if (t !== undefined) ev.time = t;
    ev.level = prefix[2]!;
  }
  const pairs: Record<string, string> = {};
  PAIR_RE.lastIndex = typeAt;
  let m: RegExpExecArray | null;
  let n = 0;
  while ((m = PAIR_RE.exec(t0)) !== null && n++ < 100) pairs[m[1]!] = m[2] ?? m[3] ?? '';
  applyKeycloakEvent(ev, pairs);
  return { draft: ev, message: text };
}

/** Applies a Keycloak event given as key/value pairs (also used for Keycloak's JSON logs). */
export function applyKeycloakEvent(ev: EventDraft, pairs: Record<string, string>): void {
  const type = pairs['type'] ?? '';
  const extra: Record<string, string> = { ...ev.extra, event: type };
  for (const [k, v] of Object.entries(pairs)) {
    if (v === '' || v === 'null') continue;
    switch (k) {
      case 'type':
        break;
      case 'realmId':
      case 'realmName':
        extra.realm ??= v;
        break;
      case 'userId':
        ev.user ??= v;
        break;
      case 'username':
        ev.user = v;
        break;
      case 'ipAddress':
        ev.ip = v;
        break;
      case 'code_id':
        // Keycloak's code session id links LOGIN to its CODE_TO_TOKEN: used as the code's identity.
        ev.code ??= { fingerprint: fingerprint(`keycloak-code-id:${v}`), preview: '' };
        extra.codeId = v;
        break;
      case 'sessionId':
      case 'authSessionParentId':
        extra.sessionId ??= v;
        break;
      case 'error':
        break;
      case 'reason':
      case 'error_description':
        ev.errorDescription ??= v.slice(0, 512);
        break;
      case 'client_auth_method':
        extra.clientAuth = v;
        break;
      case 'consent':
        extra.consent = v;
        break;
      default:
        applyParam(ev, k, v);
    }
  }
  ev.extra = extra;
  const stage = TYPE_STAGE[type];
  if (stage !== undefined) ev.stage = stage;
  const err = pairs['error'];
  if (err !== undefined && err !== '' && err !== 'null') {
    const known = ERRORS[err];
    ev.error = known?.error ?? err;
    if (known?.reason) ev.reason = known.reason;
    if (known?.stage) ev.stage = known.stage;
    if (err !== ev.error) extra.keycloakError = err;
    if (err === 'expired_code' && type.startsWith('CODE_TO_TOKEN')) ev.reason = 'code_expired';
    if (err === 'invalid_code' && (pairs['reason'] ?? '').toLowerCase().includes('used')) ev.reason = 'code_reused';
    if (err === 'invalid_token' && !type.startsWith('REFRESH')) delete ev.reason;
    if (err === 'invalid_request' && pairs['reason'] !== undefined) applyText(ev, pairs['reason']);
  }
  // A successful LOGIN with a code_id is the moment Keycloak issued the code and redirected back.
  if (type === 'LOGIN' && ev.code !== undefined) extra.codeIssued = 'true';
  if (ev.grantType === undefined) {
    if (type.startsWith('CODE_TO_TOKEN')) ev.grantType = 'authorization_code';
    else if (type.startsWith('REFRESH_TOKEN')) ev.grantType = 'refresh_token';
    else if (type.startsWith('CLIENT_LOGIN')) ev.grantType = 'client_credentials';
  }
}
