import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CATALOG, catalogEntry } from '../../../src/core/catalog/catalog';
import { FINDING_IDS } from '../../../src/core/catalog/findingIds';
import { STAGES } from '../../../src/core/model';

/** Provider-specific failures that no RFC describes; every other entry must cite its specification. */
const NO_SPEC = new Set(['session_expired', 'client_ip_not_allowed', 'otp_required', 'client_key_invalid', 'client_key_missing', 'environment_mismatch']);
const SOURCES = new Set(['log', 'probe', 'live', 'token', 'input']);
const SEEDS = new Set(['000', '001', '002', '003', '004']);
const PLACEHOLDER = /\b(TODO|TBD|FIXME|XXX|lorem|ipsum|placeholder|coming soon)\b|\?\?\?/i;

const texts = (e: (typeof CATALOG)[keyof typeof CATALOG]): string[] => [e.title, e.meaning, ...e.causes, ...e.fix, e.spec ?? '', e.wire ?? ''];

test('every finding id has exactly one entry, with its own id', () => {
  assert.equal(Object.keys(CATALOG).length, FINDING_IDS.length);
  for (const id of FINDING_IDS) {
    assert.ok(CATALOG[id], id);
    assert.equal(CATALOG[id].id, id);
    assert.equal(catalogEntry(id), CATALOG[id]);
  }
});

test('entries are complete: title, 2-3 sentence meaning, causes, at least two concrete fix steps', () => {
  for (const id of FINDING_IDS) {
    const e = CATALOG[id];
    assert.ok(e.title.length >= 8 && e.title.length <= 80 && !e.title.endsWith('.'), `${id} title`);
    const sentences = e.meaning.split(/(?<=[.!?])\s+(?=[A-Z"])/).length;
    assert.ok(sentences >= 2 && sentences <= 4, `${id} meaning has ${sentences} sentences`);
    assert.ok(e.causes.length >= 1, `${id} causes`);
    assert.ok(e.fix.length >= 2, `${id} has ${e.fix.length} fix steps`);
    for (const step of e.fix) assert.ok(step.length >= 25 && /[.)?]$/.test(step), `${id} fix step too vague or unfinished: ${step}`);
    assert.equal(new Set(e.fix).size, e.fix.length, `${id} duplicate fix steps`);
  }
});

test('stages, severities, evidence sources and seeds are valid', () => {
  for (const id of FINDING_IDS) {
    const e = CATALOG[id];
    assert.ok((STAGES as readonly string[]).includes(e.stage), `${id} stage ${e.stage}`);
    assert.ok(['error', 'warning', 'info'].includes(e.severity), `${id} severity`);
    assert.ok(e.from.length > 0 && e.from.every((f) => SOURCES.has(f)), `${id} from`);
    assert.ok(e.seeds.every((s) => SEEDS.has(s)), `${id} seeds`);
  }
  assert.equal(CATALOG.discovery_issuer_mismatch.stage, 'discovery');
  assert.equal(CATALOG.registration_failed.stage, 'registration');
  assert.equal(CATALOG.insufficient_scope.stage, 'api');
});

test('a specification is cited wherever one applies', () => {
  for (const id of FINDING_IDS) {
    const spec = CATALOG[id].spec;
    if (NO_SPEC.has(id)) {
      assert.equal(spec, undefined, `${id} should not cite a spec it does not have`);
      continue;
    }
    assert.ok(spec && /^(RFC \d{4} (§\d+(\.\d+)*|Appendix [A-Z])|OpenID Connect)/.test(spec), `${id} spec: ${spec}`);
  }
  // Spot-check the sections the product relies on.
  assert.match(CATALOG.redirect_uri_mismatch.spec!, /RFC 6749 .*§4\.1\.3/);
  assert.match(CATALOG.pkce_mismatch.spec!, /RFC 7636 §4\.6/);
  assert.match(CATALOG.discovery_issuer_mismatch.spec!, /RFC 8414 §3\.3/);
  assert.match(CATALOG.www_authenticate_missing.spec!, /RFC 9728 §5\.1/);
  assert.match(CATALOG.jar_invalid.spec!, /RFC 9101 §4, §6/);
  assert.match(CATALOG.insufficient_scope.spec!, /RFC 6750 §3/);
});

test('no placeholder text and no secrets-looking examples', () => {
  for (const id of FINDING_IDS) {
    for (const t of texts(CATALOG[id])) {
      assert.doesNotMatch(t, PLACEHOLDER, `${id}: ${t}`);
      assert.doesNotMatch(t, /eyJ[A-Za-z0-9_-]{10,}/, `${id} contains a JWT`);
    }
  }
});

test('wire errors name the OAuth error or HTTP status from the catalog', () => {
  assert.match(CATALOG.redirect_uri_mismatch.wire!, /invalid_grant/);
  assert.match(CATALOG.client_key_missing.wire!, /499/);
  assert.match(CATALOG.jar_invalid.wire!, /invalid_request_object/);
  assert.equal(CATALOG.state_mismatch.wire, undefined);
});

test('the catalog is frozen', () => {
  assert.ok(Object.isFrozen(CATALOG));
  for (const id of FINDING_IDS) {
    const e = CATALOG[id];
    assert.ok(Object.isFrozen(e) && Object.isFrozen(e.fix) && Object.isFrozen(e.causes) && Object.isFrozen(e.from) && Object.isFrozen(e.seeds), id);
  }
});
