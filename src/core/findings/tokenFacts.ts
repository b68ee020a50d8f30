/**
 * Facts the detectors need about the tokens and headers on one event, computed once when the
 * event arrives: each JWT's kind and whether it had expired at the moment of the line (jose-free
 * claim checks from the JWT helper), and whether an Authorization header lacked `Bearer `.
 */
import type { OAuthEvent } from '../model';
import type { EventFacts, TokenFact } from '../flows/eventFacts';
import { checkJwt } from '../jwt/checkJwt';
import { classifyJwt } from '../jwt/decodeJwt';

/** The facts of the (many) events that carry none: one shared, frozen object. */
const NO_FACTS: EventFacts = Object.freeze({});

/** Derives the facts of one event (cheap when the line carries no token). */
export function eventFacts(ev: OAuthEvent): EventFacts {
  if (!ev.codeVerifierS256 && !ev.tokens?.length && ev.authScheme === undefined) return NO_FACTS;
  const facts: EventFacts = {};
  if (ev.codeVerifierS256) facts.verifierS256 = ev.codeVerifierS256;
  if (ev.tokens?.length) {
    const out: TokenFact[] = [];
    for (const t of ev.tokens) {
      if (!t.claims && !t.header) continue;
      const header = t.header ?? {};
      const claims = t.claims ?? {};
      const kind = classifyJwt(header, claims);
      const asBearer = t.where === 'authorization';
      const fact: TokenFact = { fingerprint: t.fingerprint, preview: t.preview, kind, asBearer };
      const exp = claims['exp'];
      if (typeof exp === 'number' && ev.time !== undefined) {
        const problems = checkJwt({ header, payload: claims, kind, fingerprint: t.fingerprint, preview: t.preview }, { at: ev.time, usedAsBearer: asBearer });
        if (problems.some((p) => p.id === 'token_expired' && p.severity === 'error')) fact.expiredForSec = Math.round(ev.time / 1000 - exp);
      }
      out.push(fact);
    }
    if (out.length) facts.tokens = out;
  }
  if (ev.authScheme !== undefined) {
    const scheme = ev.authScheme.trim();
    if (scheme === '') facts.bearerPrefixProblem = 'carries a token without the "Bearer " scheme';
    else if (/^bearer\S/i.test(scheme)) facts.bearerPrefixProblem = 'has no space after "Bearer"';
  }
  return facts;
}
