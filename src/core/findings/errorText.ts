/**
 * Reads what an authorization server wrote about a failure (OAuth `error`, `error_description`,
 * exception messages and hints) and names the specific cause when the words say it. Works on
 * League OAuth2 Server / Passport, Keycloak, panva/oidc-provider, Spring and generic wording.
 */
import type { FindingId } from '../catalog/findingIds';
import type { OAuthEvent } from '../model';

/** A cause read from the words of one event. */
export interface TextCause {
  id: FindingId;
  /** Extra specifics pulled from the text (a parameter name, scopes, an IP). */
  data?: Record<string, unknown>;
}

// League's one-size-fits-all invalid_grant sentence lists every cause at once; it names none.
const LEAGUE_GENERIC_RE =
  /the provided authorization grant \(e\.g\.[^)]*\) or refresh token is invalid, expired, revoked, does not match the redirection uri used in the authorization request, or was issued to another client\.?/gi;

/** Lower-cased words of an event that speak about its failure. */
export function failureText(ev: OAuthEvent): string {
  // The detectors ask several times in a row about one event: answer from the last call while
  // the event and the four fields are the very same (a mutated event is recomputed).
  const hint = ev.extra?.hint;
  const m = lastText;
  if (m && m.ev === ev && m.error === ev.error && m.description === ev.errorDescription && m.message === ev.message && m.hint === hint) return m.text;
  const text = [ev.error, ev.errorDescription, ev.message, hint].filter(Boolean).join(' | ').toLowerCase();
  lastText = { ev, error: ev.error, description: ev.errorDescription, message: ev.message, hint, text };
  return text;
}

let lastText: { ev: OAuthEvent; error?: string; description?: string; message: string; hint?: string; text: string } | undefined;

/** True when the text carries League's catch-all invalid_grant sentence (which names every cause). */
export function isLeagueGeneric(ev: OAuthEvent): boolean {
  LEAGUE_GENERIC_RE.lastIndex = 0;
  const hit = LEAGUE_GENERIC_RE.test(failureText(ev));
  LEAGUE_GENERIC_RE.lastIndex = 0;
  return hit;
}

/**
 * For an `invalid_grant` (or a token failure worded like one): the cause the text names, or
 * `undefined` when the text is generic.
 */
export function specificGrantCause(ev: OAuthEvent): TextCause | undefined {
  const text = failureText(ev).replace(LEAGUE_GENERIC_RE, ' ');
  const refresh = ev.grantType === 'refresh_token' || /refresh[ _-]?token/.test(text);
  if (/code[_ ]verifier|verifier|pkce|code challenge|code_challenge/.test(text)) {
    if (/(?:too short|too long|invalid characters|must be between|must follow the specifications|\b43\b|\b128\b|malformed)/.test(text)) return { id: 'pkce_verifier_invalid' };
    if (/(?:required|missing|must be provided|is not present|check the .?code_verifier.? parameter)/.test(text) && !/failed to verify/.test(text)) return { id: 'pkce_missing' };
    return { id: 'pkce_mismatch' };
  }
  if (/redirect[_ ]?ur[il]|redirection uri|redirect url/.test(text)) return { id: 'redirect_uri_mismatch' };
  if (refresh) {
    if (/reuse|reused|already (?:been )?used|rotated|replay/.test(text)) return { id: 'refresh_token_reused' };
    if (/expired|revoked|invalid|not found|unknown|inactive|stale/.test(text)) return { id: 'refresh_token_invalid' };
  }
  if (/session/.test(text) && /expired|not active|timed? ?out|not found/.test(text)) return { id: 'session_expired' };
  if (/(?:code|grant)[^|]{0,40}(?:already (?:been )?(?:used|redeemed|exchanged)|has been (?:used|revoked|redeemed)|was (?:used|revoked)|reuse|replay)|code_already_used|already_used|\bcode (?:is )?revoked/.test(text)) {
    return { id: 'code_reused' };
  }
  if (/(?:code|grant)[^|]{0,40}(?:expired|has expired|is expired|no longer valid)|code_expired|expired[_ ]code|expired authorization code/.test(text)) return { id: 'code_expired' };
  if (/(?:not issued to this client|issued to another client|client[_ ]?id (?:does not match|mismatch)|different client)/.test(text)) return { id: 'client_id_mismatch' };
  if (/(?:code|grant)[^|]{0,40}(?:not found|unknown|does not exist|could not be found|cannot decrypt|decrypt|malformed|invalid_code)|invalid_code|code not valid|invalid authorization code/.test(text)) {
    return { id: 'code_not_found' };
  }
  return undefined;
}

/**
 * The cause an event's failure names, for everything except `invalid_grant`'s code causes
 * (those need the flow's evidence; see flowDetectors). `undefined` when nothing specific.
 */
export function textCause(ev: OAuthEvent): TextCause | undefined {
  const err = (ev.error ?? '').toLowerCase();
  const text = failureText(ev);
  if (err === 'invalid_request_object' || /request object|request_object|\bjar\b/.test(text)) {
    if (/expired|\bexp\b|lifetime|too old|issued in the future|iat/.test(text)) return { id: 'jar_expired' };
    if (/both/.test(text) && /request_uri/.test(text)) return { id: 'jar_request_and_request_uri' };
    return { id: 'jar_invalid' };
  }
  if (/request parameter is required|request or request_uri|request_uri? (?:parameter )?(?:is )?required/.test(text)) return { id: 'jar_required' };
  if (/both[^|]{0,30}request[^|]{0,10}request_uri|request and request_uri/.test(text)) return { id: 'jar_request_and_request_uri' };
  if (/jar token has expired|request token (?:has )?expired/.test(text)) return { id: 'jar_expired' };
  switch (err) {
    case 'access_denied':
      return { id: 'access_denied' };
    case 'otp_required':
      return { id: 'otp_required' };
    case 'unauthorized_client':
      return { id: 'unauthorized_client' };
    case 'unsupported_grant_type':
      return { id: 'unsupported_grant_type' };
    case 'invalid_scope':
      return { id: 'scope_not_allowed', data: { scopes: offendingScopes(ev) } };
    case 'insufficient_scope':
      return { id: 'insufficient_scope', data: { scopes: offendingScopes(ev) } };
    case 'invalid_client_metadata':
    case 'invalid_redirect_uri':
    case 'invalid_software_statement':
      return { id: 'registration_failed' };
    case 'server_error':
    case 'temporarily_unavailable':
      return { id: 'server_error' };
    case 'invalid_client':
      return clientCause(ev, text);
    case 'invalid_token':
      if (/expired|\bexp\b/.test(text)) return { id: 'token_expired' };
      if (/id[_ ]token|wrong token|token type/.test(text)) return { id: 'wrong_token_used' };
      return undefined;
    default:
      break;
  }
  if (/state (?:mismatch|does not match|invalid|missing)|invalid state|state_mismatch|csrf/.test(text)) return { id: 'state_mismatch' };
  if (/otp[_ ]required|two[- ]factor|2fa required/.test(text)) return { id: 'otp_required' };
  if (/user (?:denied|cancel|declined)|access[_ ]denied|consent (?:denied|rejected)/.test(text)) return { id: 'access_denied' };
  if (/bearer/.test(text) && /(?:missing|malformed|prefix|must start|scheme|expected)/.test(text)) return { id: 'missing_bearer_prefix' };
  if (/insufficient[_ ]scope/.test(text)) return { id: 'insufficient_scope', data: { scopes: offendingScopes(ev) } };
  if (/invalid[_ ]scope|scope[^|]{0,30}(?:not allowed|not supported|invalid|unknown|not permitted)/.test(text)) {
    return { id: 'scope_not_allowed', data: { scopes: offendingScopes(ev) } };
  }
  if (/unsupported[_ ]grant[_ ]type|grant type[^|]{0,20}not supported/.test(text)) return { id: 'unsupported_grant_type' };
  if (/unauthorized[_ ]client|not allowed to use (?:this )?grant|grant type[^|]{0,30}not allowed/.test(text)) return { id: 'unauthorized_client' };
  if (/invalid[_ ]client|client authentication failed/.test(text)) return clientCause(ev, text);
  if (err === 'invalid_request' || /missing (?:required )?parameter|parameter[^|]{0,20}(?:missing|required)|is required/.test(text)) {
    if (/code_challenge|pkce|code challenge/.test(text)) return { id: 'pkce_missing' };
    const param = missingParameter(text);
    if (param) return { id: 'missing_required_parameter', data: { parameter: param } };
  }
  if (/token_endpoint_auth_method|client authentication method|auth(?:entication)? method not (?:allowed|supported)/.test(text)) return { id: 'client_auth_method_mismatch' };
  return undefined;
}

function clientCause(ev: OAuthEvent, text: string): TextCause {
  const ipMatch = /\b(?:ip|address)[^|]{0,40}?((?:\d{1,3}\.){3}\d{1,3}|[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7})/.exec(text);
  if (/\bip\b|whitelist|allow-?list|allowlist|not allowed from|address not allowed/.test(text)) {
    return { id: 'client_ip_not_allowed', data: { ip: ipMatch?.[1] ?? ev.ip } };
  }
  // Not the bare word "production": Laravel writes its environment name on every line.
  if (/sandbox|(?:wrong|other|different) environment|environment mismatch|test[ _-]mode|live[ _-]mode|not valid in (?:this|the) environment|production (?:credentials|keys?|client)|(?:credentials|keys?) (?:are |is )?(?:for|from) (?:the )?(?:sandbox|test|production)/.test(text)) {
    return { id: 'environment_mismatch' };
  }
  if (/client authentication method|token_endpoint_auth_method|basic auth(?:entication)? (?:not|required)|client_secret_post|client_secret_basic/.test(text)) {
    return { id: 'client_auth_method_mismatch' };
  }
  return { id: 'invalid_client' };
}

const PARAMS = ['response_type', 'client_id', 'redirect_uri', 'code_challenge_method', 'code_challenge', 'code_verifier', 'grant_type', 'scope', 'state', 'nonce', 'code', 'client_secret', 'refresh_token'];

function missingParameter(text: string): string | undefined {
  let best: { p: string; at: number } | undefined;
  for (const p of PARAMS) {
    const m = new RegExp(`\\b${p}\\b`).exec(text);
    if (m && (!best || m.index < best.at)) best = { p, at: m.index };
  }
  return best?.p;
}

/** Scopes the text names as rejected, else the scopes the event requested. */
export function offendingScopes(ev: OAuthEvent): string[] {
  const named0 = ev.extra?.scopes;
  if (named0) return named0.split(/[\s,+]+/).filter(Boolean);
  const text = [ev.errorDescription, ev.message].filter(Boolean).join(' ');
  const found = new Set<string>();
  const quoted = /scope[s]?[^"'`\n]{0,40}?["'`]([^"'`]{1,80})["'`]/gi;
  for (let m = quoted.exec(text); m; m = quoted.exec(text)) for (const s of (m[1] ?? '').split(/[\s,]+/)) if (s) found.add(s);
  const named = /(?:scope|scopes)[:=]\s*([A-Za-z0-9_.:/-]+(?:[ ,+][A-Za-z0-9_.:/-]+)*)/gi;
  if (!found.size) for (let m = named.exec(text); m; m = named.exec(text)) for (const s of (m[1] ?? '').split(/[\s,+]+/)) if (s) found.add(s);
  if (!found.size && ev.scope) for (const s of ev.scope.split(/[\s+]+/)) if (s) found.add(s);
  return [...found];
}
