/**
 * Renders the JWT decoder's result (built and verified in the host) as text nodes only: header,
 * payload, the claims table with explanations and times, the signature check and warnings.
 */
import type { DecoderView } from '../src/shared/protocol';
import { el, icon } from './dom';

type T = (key: string, ...args: (string | number)[]) => string;

export function decoderView(v: DecoderView, t: T): HTMLElement {
  const root = el('div', { className: 'decoder-result', role: 'region', ariaLabelledby: 'decoder-heading' });
  root.tabIndex = -1;
  if (v.origin) root.append(el('p', { className: 'muted origin' }, [`${t('tokenFrom')}: ${v.origin}`]));
  if (!v.ok) {
    root.append(el('p', { className: 'decode-error' }, [icon('error', 'sev-error'), ' ', v.error ?? t('notAJwt')]));
    return root;
  }
  root.append(el('p', { className: 'kind' }, [
    el('strong', {}, [t(`kind.${v.kind ?? 'unknown'}`)]),
    ...(v.fingerprint ? [' · ', el('code', {}, [v.fingerprint])] : []),
  ]));
  if (v.verification) {
    const s = v.verification.status;
    const iconName = s === 'verified' ? 'verified-filled' : s === 'failed' ? 'error' : 'question';
    const parts = [t(`verify.${s}`)];
    if (v.verification.kid) parts.push(`kid ${v.verification.kid}`);
    if (v.verification.alg) parts.push(v.verification.alg);
    root.append(el('p', { className: `verification ${s}`, role: 'status' }, [
      icon(iconName, s === 'verified' ? 'st-ok' : s === 'failed' ? 'st-failed' : ''), ' ', parts.join(' · '),
      ...(v.verification.detail ? [el('span', { className: 'muted' }, [` – ${v.verification.detail}`])] : []),
    ]));
  }
  if (v.warnings?.length) {
    root.append(el('ul', { className: 'warnings' }, v.warnings.map((w) =>
      el('li', { className: w.severity }, [icon(w.severity === 'error' ? 'error' : 'warning', `sev-${w.severity}`), ' ', el('code', {}, [w.id]), ' ', w.detail]))));
  }
  if (v.claims?.length) {
    root.append(el('table', { className: 'claims' }, [
      el('thead', {}, [el('tr', {}, [el('th', {}, [t('claim')]), el('th', {}, [t('value')]), el('th', {}, [t('meaning')])])]),
      el('tbody', {}, v.claims.map((c) => el('tr', {}, [
        el('td', {}, [el('code', {}, [c.name])]),
        el('td', {}, [
          el('code', {}, [c.value]),
          ...(c.time ? [el('div', { className: 'muted' }, [c.time.iso, ' · ', c.time.relative,
            ...(c.time.relativeToEvent ? [' · ', c.time.relativeToEvent] : [])])] : []),
        ]),
        el('td', {}, [c.explanation ?? '']),
      ]))),
    ]));
  }
  root.append(
    el('h3', {}, [t('header')]), el('pre', { className: 'json' }, [JSON.stringify(v.header ?? {}, null, 2)]),
    el('h3', {}, [t('payload')]), el('pre', { className: 'json' }, [JSON.stringify(v.payload ?? {}, null, 2)]),
  );
  return root;
}
