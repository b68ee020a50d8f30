// oidc-provider prints development notices with console.info (stdout) and warnings with
// console.warn: in-process they would end up in a CLI's --json output and in the demo's timeline.
// They are expected here (dev keys, devInteractions), so they are dropped unless
// OAUTH_DBG_PROVIDER_LOGS=1. Imported before oidc-provider, which warns at import time.
if (!process.env.OAUTH_DBG_PROVIDER_LOGS) {
  for (const level of ['info', 'warn']) {
    const original = console[level].bind(console);
    console[level] = (...args) => {
      if (typeof args[0] === 'string' && args[0].includes('oidc-provider ')) return;
      original(...args);
    };
  }
}
