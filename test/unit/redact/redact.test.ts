import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redact, fingerprint } from '../../../src/core/redact/redact';

test('redact masks codes, secrets, JWTs and Authorization values, keeping fingerprints stable', () => {
  const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlLXBhcnQ';
  const line = `GET /cb?code=def502abcdef&state=xyz client_secret=s3cr3t! Authorization: Bearer ${jwt} {"password":"hunter2"}`;
  const out = redact(line);
  for (const secret of ['def502abcdef', 's3cr3t!', jwt, 'hunter2']) assert.ok(!out.includes(secret), `${secret} survived: ${out}`);
  assert.ok(out.includes('state=xyz'));
  assert.ok(out.includes(fingerprint('def502abcdef')));
  assert.equal(redact(line), out);
});
