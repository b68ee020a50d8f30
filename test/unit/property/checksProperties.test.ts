/**
 * Property-based tests: the pure checks take untrusted input (log lines, pasted values, hostile
 * servers), so they must be total – any string in, a well-formed result out, never a throw – and
 * keep their basic laws on arbitrary input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compareRedirectUris, matchRegisteredRedirect } from '../../../src/core/checks/redirectUri';
import { checkPkcePair, s256Challenge } from '../../../src/core/checks/pkce';
import { checkRequestObject } from '../../../src/core/checks/jar';
import { decodeJwt, findJwts } from '../../../src/core/jwt/decodeJwt';
import { checkJwt } from '../../../src/core/jwt/checkJwt';
import { checkJwks } from '../../../src/core/jwt/verifyJwt';

const RUNS = { numRuns: 400 };
/** Any text, including lone surrogates and control characters. */
const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ maxLength: 200 }));
/** URI-shaped text: real URLs, their pieces recombined, and mutations of them. */
const uriPart = fc.constantFrom('https://', 'http://', 'com.example.app:/', '//', ':', '/', '?', '#', '%', '%2F', '%252F', '[::1]', 'localhost', '127.0.0.1', ':443', ':8080', '@', ' ', '\n', '+', 'cb', 'A');
const uriLike = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.array(uriPart, { maxLength: 12 }).map((a) => a.join('')),
  anyText,
);
const b64url = (s: string): string => Buffer.from(s).toString('base64url');

test('compareRedirectUris is total, reflexive, decides equality exactly, and keeps ranges in bounds', () => {
  fc.assert(fc.property(uriLike, uriLike, (a, b) => {
    const r = compareRedirectUris(a, b);
    assert.equal(r.equal, a === b);
    assert.equal(typeof r.detail, 'string');
    assert.ok(r.detail.length > 0 && r.detail.length < 2000);
    if (!r.equal) {
      assert.ok(r.kind, 'a difference always has a kind');
      const [es, ee] = r.expectedRange!;
      const [as, ae] = r.actualRange!;
      assert.ok(es >= 0 && es <= ee && ee <= a.length, `expected range ${es},${ee} of ${a.length}`);
      assert.ok(as >= 0 && as <= ae && ae <= b.length, `actual range ${as},${ae} of ${b.length}`);
    }
    assert.equal(compareRedirectUris(a, a).equal, true);
  }), RUNS);
});

test('compareRedirectUris gives the same kind in both directions', () => {
  fc.assert(fc.property(uriLike, uriLike, (a, b) => {
    assert.equal(compareRedirectUris(a, b).kind, compareRedirectUris(b, a).kind);
  }), RUNS);
});

test('a single appended slash is always trailing_slash for http(s) URLs without query or fragment', () => {
  fc.assert(fc.property(fc.webUrl(), (u) => {
    const base = u.replace(/\/+$/, '');
    fc.pre(!/[?#]/.test(base) && base.length > 0);
    assert.equal(compareRedirectUris(base, base + '/').kind, 'trailing_slash');
  }), RUNS);
});

test('matchRegisteredRedirect is total and finds an exact registration', () => {
  fc.assert(fc.property(fc.array(uriLike, { maxLength: 6 }), uriLike, (reg, actual) => {
    const r = matchRegisteredRedirect(reg, actual);
    assert.equal(r.equal, reg.includes(actual));
    if (!r.equal) {
      assert.equal(r.kind, 'not_registered');
      if (reg.length > 0) assert.ok(r.closest !== undefined && reg.includes(r.closest));
    }
  }), RUNS);
});

test('checkPkcePair is total; a valid verifier always matches its own S256 challenge', () => {
  fc.assert(fc.property(fc.option(anyText), fc.option(anyText), fc.option(fc.constantFrom('S256', 'plain', 's256', 'x', '')), (v, c, m) => {
    const r = checkPkcePair(v ?? undefined, c ?? undefined, m ?? undefined);
    assert.equal(r.ok, r.problems.length === 0);
    for (const p of r.problems) assert.ok(p.detail.length > 0);
    // The verifier is secret: a problem detail never quotes a verifier of realistic length.
    if (v && v.length >= 16) for (const p of r.problems) assert.ok(!p.detail.includes(v));
  }), RUNS);
  const verifier = fc.stringMatching(/^[A-Za-z0-9\-._~]{43,128}$/);
  fc.assert(fc.property(verifier, (v) => {
    assert.deepEqual(checkPkcePair(v, s256Challenge(v), 'S256').problems, []);
  }), RUNS);
});

test('decodeJwt and findJwts are total on arbitrary text', () => {
  fc.assert(fc.property(anyText, (t) => {
    const r = decodeJwt(t);
    if (r.ok) assert.equal(typeof r.jwt.header['alg'], 'string');
    else assert.ok(r.error.length > 0);
    for (const j of findJwts(t)) assert.ok(decodeJwt(j).ok);
  }), RUNS);
});

test('decodeJwt is total on JWT-shaped input built from arbitrary JSON and bytes', () => {
  const part = fc.oneof(fc.json().map(b64url), anyText.map(b64url), anyText);
  fc.assert(fc.property(part, part, part, (h, p, s) => {
    const t = `${h}.${p}.${s}`;
    const r = decodeJwt(t);
    if (r.ok) {
      assert.equal(typeof r.jwt.payload, 'object');
      // Checks built on a decoded token are total too.
      checkJwt(r.jwt, { at: 0, expectedIssuer: 'x', expectedAudience: ['y'], usedAsBearer: true });
    }
    checkRequestObject(t, { clientId: 'c', audience: 'a' });
  }), RUNS);
});

test('decodeJwt round-trips any JSON object header/payload', () => {
  fc.assert(fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.dictionary(fc.string(), fc.jsonValue()), (hdr, payload) => {
    const header = { ...hdr, alg: 'RS256' };
    const r = decodeJwt(`${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}.c2ln`);
    assert.ok(r.ok);
    assert.deepEqual(r.jwt.header, JSON.parse(JSON.stringify(header)));
    assert.deepEqual(r.jwt.payload, JSON.parse(JSON.stringify(payload)));
  }), RUNS);
});

test('checkJwks is total on arbitrary JSON', () => {
  fc.assert(fc.property(fc.oneof(fc.jsonValue(), fc.json(), anyText, fc.record({ keys: fc.array(fc.jsonValue(), { maxLength: 5 }) })), (j) => {
    const r = checkJwks(j);
    assert.ok(r.usableKeys >= 0);
    if (r.usableKeys === 0) assert.ok(r.problems.some((p) => p.id === 'jwks_unavailable'));
  }), RUNS);
});
