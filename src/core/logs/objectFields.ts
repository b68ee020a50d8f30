/**
 * Reads OAuth fields out of a parsed JSON object, wherever they sit: top level (`client_id`),
 * request objects (`req.url`, `req.headers.authorization`), nested params/body/query, pino's
 * `err`, oidc-provider's `error`/`error_description`, Laravel's context. Bounded in depth and
 * key count so a hostile document cannot make it slow.
 */
import type { EventDraft } from './oauthFields';
import { applyMethod, applyParam, applyUrl, normKey, applyAuthorization } from './oauthFields';
import { parseAnyTime } from './timestamps';

const MAX_DEPTH = 6;
const MAX_KEYS = 2000;
const ERROR_CODE_RE = /^[a-z][a-z0-9_]{2,63}$/;
const PINO_LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** What a walk found beyond the draft's fields: texts worth scanning for reasons and URLs. */
export interface ObjectWalk {
  /** Human texts (msg, message, error messages, exception strings), in document order. */
  texts: string[];
  /** The source's own event name (oidc-provider `grant.error`, Keycloak `type`), if any. */
  event?: string;
}

/** Walks `obj`, filling `ev`; `timeZone` is used for zone-less time strings. */
export function applyObject(ev: EventDraft, obj: unknown, timeZone?: string): ObjectWalk {
  const walk: ObjectWalk = { texts: [] };
  const budget = { keys: 0 };
  visit(ev, obj, '', 0, budget, walk, timeZone);
  return walk;
}

function visit(ev: EventDraft, node: unknown, parent: string, depth: number, budget: { keys: number }, walk: ObjectWalk, tz: string | undefined): void {
  if (depth > MAX_DEPTH || node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length && i < 50; i++) {
      const item = node[i];
      if (typeof item === 'object') visit(ev, item, parent, depth + 1, budget, walk, tz);
    }
    return;
  }
  for (const key of Object.keys(node)) {
    if (++budget.keys > MAX_KEYS) return;
    const value = (node as Record<string, unknown>)[key];
    const k = normKey(key);
    if (value !== null && typeof value === 'object') {
      if (k === 'headers' || k === 'header') visitHeaders(ev, value as Record<string, unknown>);
      else visit(ev, value, k, depth + 1, budget, walk, tz);
      continue;
    }
    applyScalar(ev, k, key, value, parent, walk, tz);
  }
}

function visitHeaders(ev: EventDraft, headers: Record<string, unknown>): void {
  let n = 0;
  for (const key of Object.keys(headers)) {
    if (++n > 200) return;
    const v = headers[key];
    const value = Array.isArray(v) ? v[0] : v;
    if (typeof value !== 'string') continue;
    const k = normKey(key);
    if (k === 'authorization') applyAuthorization(ev, value);
    else if (k === 'xrequestid' || k === 'requestid' || k === 'xcorrelationid' || k === 'xamzntraceid') {
      if (value.length <= 128) ev.requestId ??= value;
    } else if (k === 'xforwardedfor' || k === 'xrealip') ev.ip ??= value.split(',')[0]!.trim();
  }
}

function applyScalar(ev: EventDraft, k: string, key: string, value: unknown, parent: string, walk: ObjectWalk, tz: string | undefined): void {
  switch (k) {
    case 'time':
    case 'timestamp':
    case 'ts':
    case 'datetime':
    case 'timeiso8601':
    case 'timelocal':
    case 'eventtime':
    case 'date':
    case 'at':
      if (parent === '' || parent === 'context') {
        const t = parseAnyTime(value, tz);
        if (t !== undefined) ev.time ??= t;
      }
      return;
    case 'level':
    case 'severity':
    case 'levelname':
    case 'loglevel':
      if (parent === '') {
        if (typeof value === 'number') ev.level ??= PINO_LEVELS[value] ?? String(value);
        else if (typeof value === 'string' && value.length <= 16) ev.level ??= value;
      }
      return;
    case 'msg':
    case 'message':
    case 'hint':
    case 'debug':
    case 'description':
    case 'detail':
    case 'reason':
    case 'exception':
    case 'stack':
      if (typeof value === 'string' && value.length > 0) walk.texts.push(value);
      return;
    case 'errordetail':
      if (typeof value === 'string' && value.length > 0) {
        walk.texts.push(value);
        ev.extra = { ...ev.extra, errorDetail: value.slice(0, 512) };
      }
      return;
    case 'url':
    case 'originalurl':
    case 'uri':
    case 'path':
    case 'requesturi':
    case 'requestpath':
    case 'requesturl':
    case 'target':
    case 'fullurl':
    case 'route':
      if (typeof value === 'string' && (value.startsWith('/') || /^https?:\/\//i.test(value))) applyUrl(ev, value);
      return;
    case 'request':
      // nginx `log_format … escape=json` writes `"request":"GET /oauth/authorize?… HTTP/1.1"`.
      if (typeof value === 'string' && /^[A-Z]{3,7} \S/.test(value)) {
        const sp = value.indexOf(' ');
        applyMethod(ev, value.slice(0, sp));
        const end = value.indexOf(' ', sp + 1);
        const target = value.slice(sp + 1, end < 0 ? undefined : end);
        if (target.startsWith('/') || /^https?:\/\//i.test(target)) applyUrl(ev, target);
      } else applyParam(ev, key, value);
      return;
    case 'method':
    case 'httpmethod':
    case 'requestmethod':
    case 'verb':
      if (typeof value === 'string') applyMethod(ev, value);
      return;
    case 'status':
    case 'statuscode':
    case 'httpstatus':
    case 'responsestatus':
    case 'httpstatuscode': {
      const s = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
      if (Number.isInteger(s) && s >= 100 && s <= 599) ev.status ??= s;
      return;
    }
    case 'requesttimems':
    case 'responsetime':
    case 'durationms':
    case 'elapsedms':
    case 'latencyms':
      if (typeof value === 'number' && Number.isFinite(value) && value >= 0) ev.durationMs ??= value;
      return;
    case 'requesttime':
      if (typeof value === 'number' && Number.isFinite(value) && value >= 0) ev.durationMs ??= Math.round(value * 1000);
      else if (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value)) ev.durationMs ??= Math.round(Number(value) * 1000);
      return;
    case 'event':
    case 'evt':
    case 'eventname':
    case 'eventtype':
    case 'type':
      if (typeof value === 'string' && value.length <= 64 && (parent === '' || parent === 'event') && walk.event === undefined && /^[A-Za-z][\w.:-]*$/.test(value)) walk.event = value;
      return;
    case 'error':
    case 'err':
    case 'errorcode':
      if (typeof value === 'string') {
        if (ERROR_CODE_RE.test(value)) ev.error ??= value;
        else if (value.length > 0) walk.texts.push(value);
      }
      return;
    case 'id':
      if (parent === 'req' || parent === 'request') {
        if (typeof value === 'string' || typeof value === 'number') ev.requestId ??= String(value).slice(0, 128);
      } else if (parent === 'user' || parent === 'account') {
        if (typeof value === 'string' || typeof value === 'number') ev.user ??= String(value).slice(0, 256);
      } else if (parent === 'client' && typeof value === 'string') ev.clientId ??= value.slice(0, 256);
      return;
    case 'email':
    case 'name':
      if ((parent === 'user' || parent === 'account') && typeof value === 'string') ev.user ??= value.slice(0, 256);
      return;
    case 'remoteaddress':
    case 'remoteaddr':
    case 'remoteip':
    case 'clientaddr':
    case 'ip':
    case 'clientip':
      if (typeof value === 'string' && value.length <= 128) ev.ip ??= value;
      return;
    default:
      applyParam(ev, key, value);
  }
}
