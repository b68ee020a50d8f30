import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPkceInput, checkRedirectUriPair, checkRequestObjectInput } from '../../../src/core/probes/inputChecks';

test('pasted inputs become findings with the right stage', () => {
  const r = checkRedirectUriPair('https://app.example/cb/', 'https://app.example/cb');
  assert.deepEqual(r.map((f) => [f.id, f.stage, f.data?.kind]), [['redirect_uri_mismatch', 'authorize', 'trailing_slash']]);
  assert.deepEqual(checkRedirectUriPair('https://a/cb', 'https://a/cb'), []);
  const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
  assert.deepEqual(checkPkceInput(verifier, 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', 'S256'), []);
  const b64 = checkPkceInput(verifier, 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM=', 'S256');
  assert.ok(b64.some((f) => f.id === 'pkce_base64_not_base64url' && f.stage === 'token'));
  const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"iss":"c"}').toString('base64url')}.`;
  const jar = checkRequestObjectInput(none);
  assert.ok(jar.length > 0 && jar.every((f) => f.stage === 'authorize'));
  assert.ok(jar.some((f) => f.id === 'jar_invalid'));
});
