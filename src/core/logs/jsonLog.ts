/**
 * JSON-lines logs: panva/oidc-provider event logs (`{"event":"grant.error","error":"invalid_grant",…}`),
 * pino / bunyan (`{"level":30,"time":…,"msg":…,"req":{…},"res":{…}}`), Keycloak's JSON console
 * format, and structured MCP servers. Fields are found by name wherever they are nested.
 * Truncated or invalid JSON is not this format (the generic reader takes it).
 */
import type { Stage } from '../model';
import type { EventDraft } from './oauthFields';
import { applyLooseText, applyText } from './oauthFields';
import { applyObject } from './objectFields';
import { applyKeycloakEvent } from './keycloakLog';
import type { ParsedLine, ParseOptions } from './parsed';
import { parseAnyTime } from './timestamps';
import { LEAGUE_CODES } from './leagueCodes';

/** oidc-provider event names → stages (https://github.com/panva/node-oidc-provider/blob/main/docs/events.md). */
const EVENT_STAGE: Record<string, Stage> = {
  'discovery.error': 'discovery', 'jwks.error': 'discovery',
  'registration_create.success': 'registration', 'registration_create.error': 'registration',
  'registration_read.error': 'registration', 'registration_update.error': 'registration',
  'authorization.accepted': 'authorize', 'authorization.error': 'authorize',
  'interaction.started': 'consent', 'interaction.ended': 'consent',
  'authorization.success': 'callback', 'authorization_code.saved': 'callback',
  'grant.error': 'token', 'authorization_code.consumed': 'token', 'grant.revoked': 'token',
  'grant.success': 'token_issued', 'access_token.saved': 'token_issued', 'access_token.issued': 'token_issued',
  'refresh_token.saved': 'token_issued', 'client_credentials.saved': 'token_issued', 'client_credentials.issued': 'token_issued',
  'userinfo.error': 'api', 'introspection.error': 'api', 'revocation.error': 'api',
  'pushed_authorization_request.error': 'authorize', 'pushed_authorization_request.success': 'authorize',
};

/** Reads one JSON log line; null when the line is not a complete JSON object. */
export function parseJsonLine(text: string, opts: ParseOptions = {}): ParsedLine | null {
  let s = text;
  if (s.charCodeAt(0) !== 123) {
    s = s.trimStart();
    if (s.charCodeAt(0) !== 123) return null;
  }
  if (s.length > 1_048_576) return null;
  let obj: unknown;
  try {
    obj = JSON.parse(s);
  } catch {
    return null;
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return null;
  const ev: EventDraft = {};
  const record = obj as Record<string, unknown>;
  const wrapped = record['log'];
  if (typeof wrapped === 'string' && (typeof record['stream'] === 'string' || typeof record['time'] === 'string')) {
    // docker's json-file driver: the application's own line is inside.
    const time = parseAnyTime(record['time'], opts.timeZone);
    return { draft: ev, message: text, inner: { text: wrapped.replace(/\r?\n$/, ''), ...(time !== undefined ? { time } : {}) } };
  }
  const walk = applyObject(ev, obj, opts.timeZone);
  const logger = typeof record['loggerName'] === 'string' ? record['loggerName'] : typeof record['logger'] === 'string' ? record['logger'] : '';
  for (const t of walk.texts) {
    if (t.startsWith('type=') && (logger.includes('keycloak') || /realm(Id|Name)=/.test(t))) {
      const pairs: Record<string, string> = {};
      for (const m of t.slice(0, 16_384).matchAll(/(?:^|[\s,])([A-Za-z][A-Za-z0-9_]{0,40})=(?:"((?:[^"\\]|\\.){0,2048})"|([^,\s"]{0,2048}))/g)) pairs[m[1]!] = m[2] ?? m[3] ?? '';
      applyKeycloakEvent(ev, pairs);
      continue;
    }
    applyLooseText(ev, t);
  }
  // All texts at once, so the most specific rule wins whichever field holds it.
  const combined = [ev.errorDescription ?? '', ...walk.texts].join(' | ');
  if (combined.length > 3) applyText(ev, combined);
  applyJsonException(ev, record);
  if (walk.event !== undefined) {
    ev.extra = { ...ev.extra, event: walk.event };
    const stage = EVENT_STAGE[walk.event] ?? stageForEventName(walk.event);
    if (stage !== undefined && ev.stage === undefined) ev.stage = stage;
    if (walk.event === 'server_error') ev.error ??= 'server_error';
  }
  return { draft: ev, message: text };
}

function stageForEventName(name: string): Stage | undefined {
  const n = name.toLowerCase();
  if (!/oauth|token|grant|authoriz|consent|login|callback|registration|discovery/.test(n)) return undefined;
  if (n.includes('discovery') || n.includes('metadata')) return 'discovery';
  if (n.includes('registration') || n.includes('register')) return 'registration';
  if (n.includes('callback')) return 'callback';
  if (n.includes('consent') || n.includes('login')) return 'consent';
  if (n.includes('token') && /success|issued|saved|granted/.test(n)) return 'token_issued';
  if (n.includes('token') || n.includes('grant')) return 'token';
  if (n.includes('authoriz')) return 'authorize';
  return undefined;
}

/**
 * Monolog's JsonFormatter (Laravel `'formatter' => JsonFormatter::class`) writes exceptions as
 * `{"class":"League\\OAuth2\\Server\\Exception\\OAuthServerException","code":10,"message":…,"trace":["…/AuthCodeGrant.php:171",…]}`:
 * the League code gives the OAuth error, the trace's files the grant and the stage.
 */
function applyJsonException(ev: EventDraft, record: Record<string, unknown>): void {
  const context = record['context'];
  const candidates = [record['exception'], context !== null && typeof context === 'object' ? (context as Record<string, unknown>)['exception'] : undefined];
  for (const c of candidates) {
    if (c === null || typeof c !== 'object') continue;
    const ex = c as Record<string, unknown>;
    const cls = typeof ex['class'] === 'string' ? ex['class'] : '';
    if (!cls.includes('OAuthServerException')) continue;
    ev.extra = { ...ev.extra, exception: cls.slice(cls.lastIndexOf('\\') + 1) };
    const code = typeof ex['code'] === 'number' ? ex['code'] : Number(ex['code']);
    const known = Number.isInteger(code) ? LEAGUE_CODES[code] : undefined;
    if (known) {
      ev.error ??= known[0];
      ev.status ??= known[1];
      ev.extra.exceptionCode = String(code);
    }
    const trace = Array.isArray(ex['trace']) ? ex['trace'].slice(0, 60).filter((x): x is string => typeof x === 'string').join(' ') : typeof ex['trace'] === 'string' ? ex['trace'].slice(0, 16_384) : '';
    if (trace.includes('AuthCodeGrant')) ev.grantType ??= 'authorization_code';
    else if (trace.includes('RefreshTokenGrant')) ev.grantType ??= 'refresh_token';
    else if (trace.includes('ClientCredentialsGrant')) ev.grantType ??= 'client_credentials';
    if (ev.stage === undefined && ev.path === undefined) {
      if (trace.includes('AccessTokenController') || trace.includes('Grant.php')) ev.stage = 'token';
      else if (trace.includes('AuthorizationController')) ev.stage = 'authorize';
      else if (trace.includes('ResourceServer') || trace.includes('BearerTokenValidator')) ev.stage = 'api';
    }
    return;
  }
}
