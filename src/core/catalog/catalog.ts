/**
 * The product's error catalog: for every finding id, what it means in plain words, why it
 * usually happens, numbered steps to fix it, and where the behaviour is specified. Hovers, the
 * panel, the CLI and exported reports all read their explanations from here, so a finding is
 * always explained the same way wherever it appears.
 *
 * Written for this product (the seeds in shared/seeds/ are the source of the failure list, not of
 * the wording). Pure data; no vscode.
 */
import { FINDING_IDS } from './findingIds';
import type { FindingId } from './findingIds';
import type { Severity, Stage } from '../model';

export type EvidenceSource = 'log' | 'probe' | 'live' | 'token' | 'input';

export interface CatalogEntry {
  id: FindingId;
  /** Short headline, sentence case, no trailing period. */
  title: string;
  /** Two or three sentences a backend developer understands without OAuth expertise. */
  meaning: string;
  /** The usual reasons, most common first. */
  causes: string[];
  /** Concrete steps, in order; each says what to check where. */
  fix: string[];
  /** Where the behaviour is specified (RFC section, or the OpenID / MCP document). */
  spec?: string;
  /** The stage this finding belongs to when the evidence does not say otherwise. */
  stage: Stage;
  severity: Severity;
  /** Which kinds of evidence can raise it. */
  from: EvidenceSource[];
  /** The OAuth `error` value and/or HTTP status that usually comes with it. */
  wire?: string;
  /** The source guides (shared/seeds/NNN_*.txt) that describe it. */
  seeds: string[];
}

type Entry = Omit<CatalogEntry, 'id'>;

const ENTRIES: { [K in FindingId]: Entry } = {
  // -------------------------------------------------------------------------------------------
  // Incomplete flows
  flow_abandoned_at_authorize: {
    title: 'Login started but never came back',
    meaning: 'The authorization server received the authorize request, but nothing followed: no consent, no redirect back to the client with a code. From the client\'s side the login simply never finished.',
    causes: [
      'The user closed the login or consent window before finishing',
      'The login page failed for the user (wrong password, 2FA prompt, an error page) and they gave up',
      'The authorize request itself was rejected and the error page was shown to the user instead of redirecting',
      'A popup blocker or an embedded browser stopped the login window',
    ],
    fix: [
      'Open the authorize line shown as evidence and check its response status: anything other than 200/302 means the server refused the request – read the error description in the same log entry.',
      'Run the flow again while watching the server log live, and finish every screen (login, 2FA, consent) without closing the window until the client shows it is connected.',
      'If the login page shows an error to the user, fix that first; the client never learns about errors shown only on the server\'s page.',
      'For ChatGPT or other connectors, make sure the login opens in a normal browser tab (not blocked as a popup) and wait for the automatic redirect.',
    ],
    spec: 'RFC 6749 §4.1.1',
    stage: 'authorize',
    severity: 'warning',
    from: ['log'],
    seeds: ['000'],
  },
  flow_no_token_exchange: {
    title: 'Code issued, but never exchanged for a token',
    meaning: 'The server issued an authorization code and redirected the browser back to the client, but no request to the token endpoint ever arrived. The client lost the code or never received the redirect, so no access token exists.',
    causes: [
      'The redirect back to the client did not complete (network error, the callback URL is unreachable, the browser was closed)',
      'The client\'s callback handler crashed before calling the token endpoint',
      'The client sends the token request to a different host or environment than the one whose log you are reading',
      'A proxy or firewall blocks the client\'s outbound call to the token endpoint',
    ],
    fix: [
      'Find the redirect in the log (the callback line shown) and open that callback URL\'s own logs: did the client receive the request with code and state?',
      'Check the client\'s token URL setting: it must point at this server\'s token endpoint (compare with "token_endpoint" in the discovery document).',
      'If the client is a hosted connector, confirm it can reach your token endpoint from the internet (no IP allow-list, no VPN-only host, valid public TLS certificate).',
      'Run the flow again and watch for the token request within a minute of the redirect; if it still never arrives, the problem is on the client side.',
    ],
    spec: 'RFC 6749 §4.1.2, §4.1.3',
    stage: 'callback',
    severity: 'error',
    from: ['log'],
    seeds: ['000'],
  },
  callback_server_error: {
    title: 'The client\'s callback endpoint failed',
    meaning: 'The browser reached the client\'s redirect URI with a code, but the client answered with a server error (5xx). Whatever the client does with the code – usually the token exchange – crashed.',
    causes: [
      'The token exchange inside the callback failed and the error was not handled',
      'The callback handler lost its session (state or PKCE verifier not found) and threw',
      'A configuration value the callback needs (client secret, token URL) is missing in this environment',
    ],
    fix: [
      'Open the client\'s own log at the time of the callback line shown and find the stack trace or error message of the 500.',
      'If the error comes from the token request, look at the token response body: the "error" value (invalid_grant, invalid_client…) points to the matching finding in this catalog.',
      'Check that the session storing state and code_verifier survives the round trip (same domain, cookie SameSite=Lax or None with Secure, no server restart between steps).',
      'Handle OAuth errors in the callback explicitly and show the user a retry link instead of a 500.',
    ],
    spec: 'RFC 6749 §4.1.2',
    stage: 'callback',
    severity: 'error',
    from: ['log', 'live'],
    wire: 'HTTP 500',
    seeds: ['000'],
  },
  connected_without_token: {
    title: '"Connected" but no token was ever issued',
    meaning: 'The client reports that the connection succeeded, yet the authorization server never issued an access token for this flow. The client\'s status is wrong; one of the earlier steps silently failed, and the related findings show which.',
    causes: [
      'The user abandoned the login (see "Login started but never came back")',
      'The code was issued but never exchanged (see "Code issued, but never exchanged")',
      'The token request failed with an OAuth error that the client did not surface',
    ],
    fix: [
      'Look at the flow timeline: the first stage marked failed or missing is where the flow broke; open its finding.',
      'In the server log, confirm there is a token request for this client after the authorize request and that it returned 200 with an access_token.',
      'Disconnect the client completely (remove the stored connection), then connect again while watching the log live.',
    ],
    spec: 'RFC 6749 §4.1',
    stage: 'token',
    severity: 'error',
    from: ['log'],
    seeds: ['000', '001'],
  },

  // -------------------------------------------------------------------------------------------
  // Parameter mismatches
  client_id_mismatch: {
    title: 'Different client_id in the authorize and token requests',
    meaning: 'The authorization code was issued to one client_id, but the token request presents another. Codes are bound to the client that requested them, so the server refuses the exchange.',
    causes: [
      'Two client registrations (for example one per environment) and the client mixes their ids',
      'The client_id is configured in two places (frontend and backend) and they disagree',
      'Client credentials were rotated or re-registered but only one side was updated',
    ],
    fix: [
      'Compare the client_id in the authorize line with the one in the token line (both shown); they must be identical.',
      'Find where each request gets its client_id (environment variable, config file, connector settings) and make both read the same value.',
      'Check the registered clients on the server (for Laravel Passport: the oauth_clients table) and make sure the id you use exists and has the secret you send.',
      'Start a fresh login after the fix; a code issued to the old client_id cannot be reused.',
    ],
    spec: 'RFC 6749 §4.1.3',
    stage: 'token',
    severity: 'error',
    from: ['log', 'live'],
    wire: 'invalid_client / invalid_grant',
    seeds: ['000'],
  },
  client_id_whitespace: {
    title: 'client_id contains whitespace or invisible characters',
    meaning: 'The client_id has a leading or trailing space, a newline, or an invisible character such as a zero-width space. It looks right on screen, but the server compares it byte for byte and does not find the client.',
    causes: [
      'The id was copied from a web page or PDF together with a space or invisible character',
      'An environment file or secret store added a trailing newline',
      'The value was typed into a form field that kept surrounding spaces',
    ],
    fix: [
      'Look at the client_id in the evidence: the finding marks the position of the extra character.',
      'Re-enter the client_id by typing it or pasting it into a plain-text editor first, then copy it again without surrounding whitespace.',
      'If it comes from an environment variable or file, strip whitespace when reading it (and check the file has no trailing newline).',
      'Retry the login; an error page saying "invalid client_id" should disappear.',
    ],
    spec: 'RFC 6749 §2.2',
    stage: 'authorize',
    severity: 'error',
    from: ['log', 'input', 'probe'],
    wire: 'invalid_client',
    seeds: ['003'],
  },
  redirect_uri_mismatch: {
    title: 'redirect_uri does not match',
    meaning: 'The redirect_uri differs between the authorize request and the token request, or is not one of the URIs registered for the client. Servers compare redirect URIs as exact strings, so even an extra slash or a different port is a mismatch. The finding names the exact difference and highlights it.',
    causes: [
      'A trailing slash on one side only (".../callback" vs ".../callback/") – the most common case',
      'http vs https, typically behind a proxy that terminates TLS so the app builds http:// URLs',
      'localhost vs 127.0.0.1, a different port, or a different path',
      'The URI is percent-encoded on one side and not (or twice) on the other',
      'The URI used is simply not in the client\'s list of registered redirect URIs',
    ],
    fix: [
      'Compare the redirect_uri of the authorize request (line shown) with the one sent to /token; they must match byte for byte, including the trailing slash – the highlighted characters are the difference.',
      'Compare both with the redirect URIs registered for the client on the server (for Laravel Passport: the "redirect" column of oauth_clients) and register the exact value the client sends, or change the client to send the registered one.',
      'Behind a reverse proxy, make the app aware of the original scheme and host (trusted proxies / X-Forwarded-Proto) so it does not build http:// or internal-host URLs.',
      'Build the redirect_uri from one configuration value in both requests, and encode it exactly once when putting it into the query string or form body.',
      'Start a fresh login after changing it; the code from the failed attempt cannot be reused.',
    ],
    spec: 'RFC 6749 §3.1.2.3, §4.1.3; RFC 9700 §2.1',
    stage: 'token',
    severity: 'error',
    from: ['log', 'live', 'probe', 'input'],
    wire: 'invalid_grant / invalid_request',
    seeds: ['000', '002', '003', '004'],
  },
  pkce_mismatch: {
    title: 'PKCE code_verifier does not match the code_challenge',
    meaning: 'With PKCE the client sends a hashed code_challenge on /authorize and the original code_verifier on /token; the server hashes the verifier and compares. Here the hash does not match, so the server refuses to hand out tokens.',
    causes: [
      'The verifier sent to /token belongs to another login attempt (a new verifier was generated, or two tabs overwrote each other\'s stored value)',
      'The verifier was lost between the two requests (session expired, stored in memory of another server instance)',
      'The challenge was computed wrongly: hex instead of base64url, not hashed at all, hashed twice',
      'code_challenge_method does not match how the challenge was made (S256 vs plain)',
    ],
    fix: [
      'Paste the verifier and the challenge into the PKCE checker: it computes BASE64URL(SHA256(verifier)) and names the mistake if the values are related.',
      'Store the verifier together with the state for this one login (server-side session or sessionStorage) and read it back by that state in the callback.',
      'Compute the challenge with a library or exactly as: SHA-256 over the ASCII verifier, then base64url without padding (Node: createHash(\'sha256\').update(v).digest(\'base64url\')).',
      'Send code_challenge_method=S256 together with the challenge.',
    ],
    spec: 'RFC 7636 §4.6',
    stage: 'token',
    severity: 'error',
    from: ['log', 'live', 'input'],
    wire: 'invalid_grant',
    seeds: ['000', '002', '004'],
  },
  pkce_base64_not_base64url: {
    title: 'PKCE challenge uses standard base64 instead of base64url',
    meaning: 'The code_challenge was encoded with standard base64, which uses "+", "/" and "=" padding, while PKCE requires base64url ("-", "_", no padding). The server computes the base64url form and the two strings differ whenever the hash contains those characters.',
    causes: [
      'digest(\'base64\') or btoa() used instead of a base64url encoder',
      'A base64url helper that keeps the "=" padding',
      'The challenge was URL-encoded in transit ("+" turned into a space) on top of standard base64',
    ],
    fix: [
      'Change the encoding step to base64url: Node digest(\'base64url\'), Python base64.urlsafe_b64encode(...).rstrip(b\'=\'), browsers: replace "+"→"-", "/"→"_" and remove "=".',
      'Check the code_challenge in the authorize request (line shown): a correct S256 challenge is exactly 43 characters from A–Z a–z 0–9 - _.',
      'Run one login again and confirm the token request succeeds.',
    ],
    spec: 'RFC 7636 §4.2, Appendix A',
    stage: 'token',
    severity: 'error',
    from: ['input', 'log'],
    wire: 'invalid_grant',
    seeds: ['002'],
  },
  pkce_verifier_invalid: {
    title: 'PKCE code_verifier has the wrong length or characters',
    meaning: 'A code_verifier must be 43 to 128 characters long and use only letters, digits and "-", ".", "_", "~". This one does not, so strict servers reject it even before comparing it with the challenge.',
    causes: [
      'The verifier is too short (for example 16 random bytes hex-encoded, or a UUID)',
      'It was produced with standard base64 and contains "+", "/" or "="',
      'A trailing newline or space was added when it was stored or copied',
    ],
    fix: [
      'Generate the verifier as 32 random bytes encoded with base64url (43 characters) – or use the PKCE helper of your OAuth library.',
      'Do not trim or re-encode it between generating the challenge and sending it; store exactly the string you hashed.',
      'Check the length and characters the finding reports, then run the login again.',
    ],
    spec: 'RFC 7636 §4.1',
    stage: 'token',
    severity: 'error',
    from: ['input', 'log'],
    wire: 'invalid_request / invalid_grant',
    seeds: ['002'],
  },
  pkce_missing: {
    title: 'PKCE parameters missing',
    meaning: 'The server requires PKCE, but the authorize request had no code_challenge (or no code_challenge_method), or the token request had no code_verifier. Public clients such as SPAs, mobile apps and MCP clients must always use PKCE.',
    causes: [
      'The client library has PKCE switched off or predates it',
      'The challenge is generated but not added to the authorize URL',
      'The verifier is not sent on the token request (or under a misspelled name)',
    ],
    fix: [
      'Check the authorize request (line shown) for code_challenge and code_challenge_method=S256; add both if missing.',
      'Check the token request for code_verifier and make sure it is the verifier of the same login.',
      'Enable PKCE in the client library settings (often "usePKCE" or "pkce: true"); for hand-written clients generate verifier and challenge as RFC 7636 describes.',
    ],
    spec: 'RFC 7636 §4.3, §4.4.1',
    stage: 'authorize',
    severity: 'error',
    from: ['log', 'probe'],
    wire: 'invalid_request',
    seeds: ['002'],
  },
  state_mismatch: {
    title: 'state returned to the callback does not match',
    meaning: 'The client puts a random state value into the authorize request and must get the same value back on the callback. Here it came back different or not at all, so the client cannot tell this response belongs to its own login – correctly, it refuses to continue.',
    causes: [
      'The stored state was lost (session cookie not sent back, session expired, different server instance)',
      'The user started the login in two tabs, or finished it on another device',
      'The state was modified or re-encoded on the way (double URL-encoding, truncation)',
      'A forged callback (cross-site request forgery attempt)',
    ],
    fix: [
      'Compare the state sent in the authorize request with the state on the callback (both lines shown): is it missing, truncated or encoded differently?',
      'Keep the state in a server-side session or sessionStorage tied to this browser tab, and make sure the session cookie survives the cross-site redirect (SameSite=Lax, Secure, same domain).',
      'Compare the state exactly (case-sensitive) and start a new login when it does not match; never skip the check.',
    ],
    spec: 'RFC 6749 §10.12; RFC 9700 §4.7',
    stage: 'callback',
    severity: 'error',
    from: ['live', 'log'],
    seeds: ['002'],
  },
  missing_required_parameter: {
    title: 'A required parameter is missing or misspelled',
    meaning: 'The server rejected the request because a parameter it needs was absent, empty or spelled differently (names are case-sensitive). The finding names the parameter.',
    causes: [
      'The parameter is not added to the request at all (response_type, client_id, redirect_uri, state, code_challenge, grant_type, code)',
      'The name is spelled differently (redirectUri, Client_ID, code-challenge)',
      'The parameter is sent in the wrong place: in the URL of a POST instead of the form body, or as JSON where form encoding is expected',
    ],
    fix: [
      'Read the error_description in the response (line shown); it usually names the parameter.',
      'Compare the request with the required set: /authorize needs response_type=code, client_id, redirect_uri, state (and code_challenge + method with PKCE); /token needs grant_type, code, redirect_uri, client_id or client authentication, and code_verifier with PKCE.',
      'Send token requests as application/x-www-form-urlencoded in the body unless the server documents JSON.',
    ],
    spec: 'RFC 6749 §4.1.1, §4.1.3, §5.2',
    stage: 'authorize',
    severity: 'error',
    from: ['log', 'probe', 'live'],
    wire: 'invalid_request',
    seeds: ['000', '002', '004'],
  },

  // -------------------------------------------------------------------------------------------
  // The authorization code
  code_expired: {
    title: 'Authorization code expired before it was exchanged',
    meaning: 'Authorization codes live only briefly (often 60 seconds, at most about 10 minutes). The token request arrived after the code\'s lifetime had run out; the finding shows the measured gap between issue and exchange.',
    causes: [
      'The client waits before exchanging (queues, retries, a slow callback handler)',
      'Clock difference between servers when the lifetime is checked across machines',
      'The user or a debugger paused the flow at the callback',
      'The code lifetime configured on the server is shorter than the real round trip',
    ],
    fix: [
      'Check the time between the code issue line and the token request line (shown): it must be below the server\'s code lifetime.',
      'Exchange the code immediately in the callback, before any other slow work.',
      'Sync server clocks with NTP; if the round trip is legitimately slow, raise the code lifetime in the server configuration (keep it at 10 minutes or less).',
      'Start a new login; an expired code cannot be revived.',
    ],
    spec: 'RFC 6749 §4.1.2',
    stage: 'token',
    severity: 'error',
    from: ['log', 'live'],
    wire: 'invalid_grant',
    seeds: ['000', '002', '004'],
  },
  code_reused: {
    title: 'Authorization code used more than once',
    meaning: 'A code can be exchanged exactly once. The same code reached the token endpoint again, so the server refused it – and a careful server also revokes the tokens issued from the first exchange.',
    causes: [
      'The client retries the token request after a timeout even though the first one succeeded',
      'The callback runs twice (page reload, double submit, browser prefetch, two handlers on the same route)',
      'Two components of the client each exchange the code',
    ],
    fix: [
      'Compare the token requests shown: they carry the same code fingerprint; find which component sent the second one.',
      'Exchange the code in exactly one place and store the tokens; never retry a token request that might have reached the server – restart the login instead.',
      'Make the callback idempotent: mark the state as used before exchanging so a reload cannot exchange again.',
    ],
    spec: 'RFC 6749 §4.1.2, §10.5',
    stage: 'token',
    severity: 'error',
    from: ['log', 'live'],
    wire: 'invalid_grant',
    seeds: ['000', '002', '004'],
  },
  code_not_found: {
    title: 'Authorization code unknown to the server',
    meaning: 'The server has no record of the code presented: it was never issued by this server, was cut or altered on the way, or was already cleaned up. Unlike an expired or reused code, the server cannot match it to anything.',
    causes: [
      'The code was truncated or double URL-encoded when read from the callback URL',
      'The token request goes to another environment (staging code sent to production) or another server instance with separate storage',
      'The server restarted and kept codes only in memory',
    ],
    fix: [
      'Compare the code fingerprint on the callback line with the one on the token line (shown); different fingerprints mean the value changed on the way.',
      'Read the code from the callback query with a URL parser and send it unchanged in a form-encoded body (encode once).',
      'Make sure the token URL and the authorize URL belong to the same server and environment.',
      'On the server, store codes in shared storage (database, Redis) when running several instances.',
    ],
    spec: 'RFC 6749 §5.2',
    stage: 'token',
    severity: 'error',
    from: ['log', 'live'],
    wire: 'invalid_grant',
    seeds: ['004'],
  },
  session_expired: {
    title: 'The login session expired during the flow',
    meaning: 'Some servers keep a time-limited session for the whole login (10 minutes is common). The user took longer than that between starting and finishing, so the server refused to continue.',
    causes: [
      'The user left the login or consent page open for a long time',
      'The login URL was prepared long before the user opened it',
      'Slow 2FA or email verification steps',
    ],
    fix: [
      'Check the time between the first authorize line and the failing request (shown) against the server\'s session lifetime.',
      'Create the authorize URL only when the user clicks "connect", not in advance.',
      'Let the user restart the login with one click when this error appears.',
    ],
    stage: 'consent',
    severity: 'error',
    from: ['log'],
    wire: 'invalid_grant',
    seeds: ['002'],
  },

  // -------------------------------------------------------------------------------------------
  // Scopes
  scope_not_allowed: {
    title: 'Requested scope is not allowed',
    meaning: 'The client asked for one or more scopes that the server does not offer or that this client may not request. The finding names the offending scopes.',
    causes: [
      'The client requests scopes the server never defined (typo, scopes of another provider)',
      'The scopes exist but are not enabled for this client',
      'The client sends scopes comma-separated instead of space-separated',
    ],
    fix: [
      'Compare the scope parameter of the authorize request (line shown) with "scopes_supported" in the server\'s discovery document.',
      'Either allow the scopes for this client on the server (client settings / allowed scopes) or remove them from the client\'s request.',
      'Separate scopes with spaces (encoded as "+" or "%20"), never commas.',
    ],
    spec: 'RFC 6749 §3.3, §4.1.2.1',
    stage: 'authorize',
    severity: 'error',
    from: ['log', 'live', 'probe'],
    wire: 'invalid_scope',
    seeds: ['000'],
  },
  scope_partially_granted: {
    title: 'Fewer scopes granted than requested',
    meaning: 'The token was issued, but with fewer scopes than the client asked for – the user unticked some on the consent screen or a policy removed them. Calls that need the missing scopes will fail later with 403.',
    causes: [
      'The user denied some permissions on the consent page',
      'A server policy limits the scopes this client or user may get',
    ],
    fix: [
      'Compare the requested scope (authorize line) with the "scope" of the token response or token claims (shown).',
      'Request only the scopes the client really needs, and explain them to the user before the login.',
      'Handle a reduced scope gracefully: check the granted scope and ask the user to reconnect when a feature needs more.',
    ],
    spec: 'RFC 6749 §3.3, §5.1',
    stage: 'token_issued',
    severity: 'warning',
    from: ['log', 'live', 'token'],
    seeds: ['000'],
  },
  insufficient_scope: {
    title: 'API rejected the token for missing scope',
    meaning: 'The access token is valid, but it does not carry the scope the API endpoint needs, so the API answered 403 insufficient_scope. The user is logged in; the permissions are too narrow.',
    causes: [
      'The client did not request the needed scope',
      'The user did not grant it on the consent page',
      'The API expects a differently named scope than the one the server issues',
    ],
    fix: [
      'Read the WWW-Authenticate header of the 403 response: its "scope" attribute names what the API wants.',
      'Add that scope to the client\'s authorize request and make sure it is allowed for the client on the server.',
      'Disconnect and reconnect so a new token with the scope is issued; existing tokens never gain scopes.',
    ],
    spec: 'RFC 6750 §3.1',
    stage: 'api',
    severity: 'error',
    from: ['log', 'live'],
    wire: '403 insufficient_scope',
    seeds: ['000', '001'],
  },
  offline_access_missing: {
    title: 'No refresh token: offline_access not requested',
    meaning: 'Many servers only issue a refresh token when the client asks for the offline_access scope. Without it the client gets an access token only, and the connection silently breaks when that token expires.',
    causes: [
      'The client\'s scope list lacks offline_access',
      'The server does not allow offline_access for this client or strips it from the grant',
    ],
    fix: [
      'Check the scope of the authorize request and of the token response (lines shown) for offline_access.',
      'Add offline_access to the requested scopes (for OpenID Connect servers also send prompt=consent when required).',
      'Allow refresh tokens for this client on the server, then reconnect so a refresh token is issued.',
    ],
    spec: 'OpenID Connect Core 1.0 §11',
    stage: 'token_issued',
    severity: 'warning',
    from: ['log', 'live', 'token'],
    seeds: ['003'],
  },

  // -------------------------------------------------------------------------------------------
  // Client authentication and authorization
  invalid_client: {
    title: 'Client authentication failed',
    meaning: 'The token endpoint could not authenticate the client: the id, the secret or the way they were sent was not accepted. No tokens are issued until the client proves who it is.',
    causes: [
      'Wrong or outdated client secret (rotated, copied with whitespace, from another environment)',
      'The client_id does not exist on this server',
      'Credentials sent the wrong way (Basic header vs form body)',
      'Sandbox credentials used against production or the other way round',
    ],
    fix: [
      'Check the client_id in the token request (line shown) exists on the server and is the one whose secret you use.',
      'Copy the secret again from the server\'s client registration into the client configuration, without surrounding whitespace.',
      'Run the client-authentication probe: it tries the known ways of sending credentials with a dummy code and reports which one the server accepts.',
      'Make sure the credentials belong to the same environment (sandbox / production) as the token URL.',
    ],
    spec: 'RFC 6749 §2.3.1, §5.2',
    stage: 'token',
    severity: 'error',
    from: ['log', 'live', 'probe'],
    wire: '401 invalid_client',
    seeds: ['000', '002', '004'],
  },
  client_auth_method_mismatch: {
    title: 'Client credentials sent the way the server does not accept',
    meaning: 'The server expects the client credentials in a specific place – an HTTP Basic header (client_secret_basic) or the form body (client_secret_post) – and sometimes a specific body format. The client uses another way, so authentication fails although id and secret are right. The finding names the method the server accepts.',
    causes: [
      'The client library defaults to Basic while the server only reads the body, or the other way round',
      'The body is sent as JSON where the server expects form encoding (or vice versa)',
      'The server\'s client registration fixes token_endpoint_auth_method to a value the client does not use',
    ],
    fix: [
      'Read "token_endpoint_auth_methods_supported" in the discovery document and the client\'s registered token_endpoint_auth_method.',
      'Configure the client to use the method the probe found working (for example "client_secret_post" with a form-encoded body).',
      'Retry the token request; invalid_client should turn into success (or into invalid_grant for a stale code, which means authentication now works).',
    ],
    spec: 'RFC 6749 §2.3.1; RFC 8414 §2; RFC 7591 §2',
    stage: 'token',
    severity: 'error',
    from: ['probe', 'log'],
    wire: 'invalid_client',
    seeds: ['003', '004'],
  },
  client_secret_encoding: {
    title: 'Basic credentials encoded differently than the server expects',
    meaning: 'For the HTTP Basic header, OAuth says client_id and secret are form-URL-encoded first and then base64-encoded together. Secrets with special characters (":", "+", "%", spaces) produce a different header depending on whether that URL-encoding step is done, and servers disagree on it.',
    causes: [
      'The secret contains characters that change under URL-encoding',
      'The client URL-encodes before base64 and the server does not decode (or the reverse)',
    ],
    fix: [
      'Use the probe result: it reports whether the server accepted the URL-encoded or the plain variant of the Basic header.',
      'Configure the client to match, or send the credentials in the form body (client_secret_post) where no such ambiguity exists.',
      'Alternatively generate a new secret without special characters.',
    ],
    spec: 'RFC 6749 §2.3.1',
    stage: 'token',
    severity: 'error',
    from: ['probe'],
    wire: 'invalid_client',
    seeds: ['003'],
  },
  client_ip_not_allowed: {
    title: 'Request came from an IP address the client may not use',
    meaning: 'The server restricts this client to a list of IP addresses, and the token request came from another one. The credentials are fine; the network location is not. The finding names the IP the server saw.',
    causes: [
      'The server or container moved to a new IP (deployment, autoscaling, new NAT gateway)',
      'Requests leave through a proxy or VPN with a different public IP',
      'The allow-list was never updated for this environment',
    ],
    fix: [
      'Read the IP in the error description (shown) and compare it with the allow-list configured for the client.',
      'Add the outbound IP (or the NAT gateway\'s fixed IP) to the client\'s allow-list on the server, or ask the provider to do it.',
      'Give production servers a stable egress IP so the list does not go stale.',
    ],
    stage: 'token',
    severity: 'error',
    from: ['log', 'probe'],
    wire: 'invalid_client',
    seeds: ['004'],
  },
  unauthorized_client: {
    title: 'Client is not allowed to use this grant',
    meaning: 'The client authenticated (or identified itself), but it is not permitted to use the requested grant type or response type. A typical case is a public client, which has no secret, asking for the client_credentials grant that only confidential clients may use.',
    causes: [
      'A public client (no secret) uses the client_credentials grant',
      'The grant type is not enabled for this client in its registration',
      'OAuth is not enabled at all for this account or client',
    ],
    fix: [
      'Check the grant_type of the token request (line shown) against the grant types enabled for the client on the server.',
      'For machine-to-machine access register a confidential client with a secret; for user logins use authorization_code with PKCE.',
      'Enable the grant type for the client (or ask the provider to), then retry.',
    ],
    spec: 'RFC 6749 §4.4, §5.2',
    stage: 'token',
    severity: 'error',
    from: ['log', 'probe'],
    wire: 'unauthorized_client',
    seeds: ['000', '002', '004'],
  },
  unsupported_grant_type: {
    title: 'grant_type not supported',
    meaning: 'The token endpoint does not support the grant_type value sent, or does not recognise it because of a typo. Nothing else in the request was looked at.',
    causes: [
      'Misspelled value (authorisation_code, authorization-code, refreshToken)',
      'The grant is disabled on the server (for example password or client_credentials)',
      'grant_type sent in the URL or as JSON where the server reads the form body',
    ],
    fix: [
      'Check the grant_type value in the token request (line shown): it must be exactly authorization_code, refresh_token or client_credentials.',
      'Compare with "grant_types_supported" in the server\'s discovery document.',
      'Send it in the application/x-www-form-urlencoded body of the POST.',
    ],
    spec: 'RFC 6749 §5.2',
    stage: 'token',
    severity: 'error',
    from: ['log', 'probe'],
    wire: 'unsupported_grant_type',
    seeds: ['000'],
  },
  access_denied: {
    title: 'The user or a policy denied access',
    meaning: 'At the consent step the user clicked "deny" or "cancel", or a server policy refused the request. The server redirected back with error=access_denied; nothing is broken technically.',
    causes: [
      'The user chose not to grant access',
      'A policy denied it (user not in an allowed group, account disabled, conditional access)',
    ],
    fix: [
      'Check whether the user really denied (consent line shown) or a policy did (the error_description usually says).',
      'In the client, treat access_denied as a normal outcome: show a friendly message with a "try again" link instead of an error.',
      'If a policy denied it, ask the server administrator to grant the user access to this application.',
    ],
    spec: 'RFC 6749 §4.1.2.1',
    stage: 'consent',
    severity: 'warning',
    from: ['log', 'live'],
    wire: 'access_denied',
    seeds: ['002', '004'],
  },
  otp_required: {
    title: 'Login needs a one-time password (2FA)',
    meaning: 'The user has two-factor authentication enabled and the login step was attempted without the one-time code. The server asks for it before continuing the flow.',
    causes: [
      'The client\'s own login screen does not support the 2FA step',
      'The OTP was not sent or had expired',
    ],
    fix: [
      'Check the login response (line shown) for a field like requiresOtp.',
      'Trigger the OTP delivery, ask the user for the code and repeat the login with it.',
      'Prefer the provider\'s hosted login page, which handles 2FA itself.',
    ],
    stage: 'consent',
    severity: 'warning',
    from: ['log'],
    wire: 'otp_required',
    seeds: ['002'],
  },
  client_key_invalid: {
    title: 'Provider client-key header is invalid',
    meaning: 'Some providers require their own API key header (such as x-client-key) on every request in addition to OAuth. The value sent was not accepted, and the provider answered with its own status 498.',
    causes: [
      'The key belongs to another environment (sandbox vs production)',
      'The key was revoked or rotated',
      'Whitespace or a wrong header value copied into the configuration',
    ],
    fix: [
      'Check the request headers (shown, masked) for the provider\'s client-key header and compare its fingerprint with the key configured for this environment.',
      'Copy the current key from the provider\'s dashboard for the right environment.',
      'Retry; a 498 should disappear once the key is valid.',
    ],
    stage: 'token',
    severity: 'error',
    from: ['log', 'probe'],
    wire: 'HTTP 498',
    seeds: ['002'],
  },
  client_key_missing: {
    title: 'Provider client-key header is missing',
    meaning: 'The provider expects its own API key header (such as x-client-key) on the request, and it was absent or misspelled. The provider answered with its own status 499 before looking at the OAuth part of the request.',
    causes: [
      'The header is only added to some requests (for example API calls but not token requests)',
      'The header name is wrong (client-key instead of x-client-key)',
    ],
    fix: [
      'Check the headers of the failing request (shown): the provider\'s header must be present with the exact documented name.',
      'Add the header in the HTTP client used for all calls to this provider, including the token endpoint.',
    ],
    stage: 'token',
    severity: 'error',
    from: ['log', 'probe'],
    wire: 'HTTP 499',
    seeds: ['002'],
  },

  // -------------------------------------------------------------------------------------------
  // Request objects (JAR)
  jar_required: {
    title: 'Server requires a signed request object',
    meaning: 'This server only accepts authorization requests whose parameters are wrapped in a signed JWT (a request object), passed as "request" or referenced by "request_uri". Plain query parameters are refused with "Request parameter is required".',
    causes: [
      'The client sends the classic query-string authorize request',
      'The server (or this client\'s registration) has require_signed_request_object enabled',
    ],
    fix: [
      'Check the discovery document for "require_signed_request_object" and "request_object_signing_alg_values_supported".',
      'Build a JWT containing all authorization parameters (client_id, redirect_uri, response_type, scope, state, code_challenge…) plus iss, aud, iat, exp (at most a few minutes) and jti, sign it with the registered key or secret, and send it as request=<jwt> with client_id.',
      'Generate the request object right before redirecting the user, never in advance.',
    ],
    spec: 'RFC 9101 §5, §10.5',
    stage: 'authorize',
    severity: 'error',
    from: ['log', 'probe'],
    wire: 'invalid_request "Request parameter is required"',
    seeds: ['004'],
  },
  jar_request_and_request_uri: {
    title: 'Both request and request_uri were sent',
    meaning: 'A request object is passed either by value ("request") or by reference ("request_uri"), never both. The server cannot know which one to trust and rejects the request.',
    causes: [
      'A library adds request_uri (for example after pushed authorization) while the code also adds request',
      'Leftover parameters from testing both variants',
    ],
    fix: [
      'Look at the authorize request (line shown) and remove one of the two parameters.',
      'Use request_uri when you pushed the request first (PAR), otherwise request with the JWT itself.',
    ],
    spec: 'RFC 9101 §5',
    stage: 'authorize',
    severity: 'error',
    from: ['log', 'input'],
    wire: 'invalid_request',
    seeds: ['004'],
  },
  jar_invalid: {
    title: 'Request object is malformed or its signature fails',
    meaning: 'The server could not accept the request object JWT: it is not a well-formed JWT, is signed with an algorithm or key the server does not accept, lacks a kid for an asymmetric key, or misses claims the server needs. The finding says which.',
    causes: [
      'Signed with the wrong secret or private key, or a key not registered for the client',
      'Unsupported algorithm (for example RS256 where only HS256 or EdDSA is accepted), or "alg": "none"',
      'Missing "kid" header for an asymmetric key',
      'Missing claims: iss, aud, iat, exp, jti, client_id, redirect_uri or response_type',
    ],
    fix: [
      'Decode the request object (paste it into the JWT decoder) and read the specific problem this finding lists.',
      'Sign with an algorithm from "request_object_signing_alg_values_supported" and, for asymmetric keys, put the registered key\'s kid in the header.',
      'Include iss (your client_id), aud (the server\'s issuer), iat, exp, jti and every authorization parameter as claims.',
      'Register the matching public key (or use the current client secret for HMAC) and retry.',
    ],
    spec: 'RFC 9101 §4, §6',
    stage: 'authorize',
    severity: 'error',
    from: ['log', 'input', 'token'],
    wire: 'invalid_request_object',
    seeds: ['004'],
  },
  jar_expired: {
    title: 'Request object expired or has a bad lifetime',
    meaning: 'The request object JWT was already expired when it reached the server, lives longer than the server allows (five minutes is typical), or claims to be issued in the future. The server refuses request objects outside that window.',
    causes: [
      'The request object was generated long before the user was redirected (prepared or cached)',
      'exp set too far ahead (for example one hour)',
      'The client\'s clock is wrong, so iat lies in the future or exp in the past',
    ],
    fix: [
      'Check iat and exp of the request object (decoded in the finding) against the time of the authorize request.',
      'Create the request object immediately before redirecting, with exp = iat + 300 seconds or less.',
      'Sync the client\'s clock with NTP.',
    ],
    spec: 'RFC 9101 §10.8; RFC 7519 §4.1.4',
    stage: 'authorize',
    severity: 'error',
    from: ['log', 'input', 'token'],
    wire: 'invalid_request',
    seeds: ['004'],
  },

  // -------------------------------------------------------------------------------------------
  // Tokens after issue
  refresh_token_invalid: {
    title: 'Refresh token rejected',
    meaning: 'The client tried to get a new access token with a refresh token the server no longer accepts: it expired, was revoked, or belongs to another client. The user has to log in again.',
    causes: [
      'The refresh token reached its lifetime (often days)',
      'The user or an administrator revoked the grant, or the user changed their password',
      'The refresh request is sent with another client_id than the one the token was issued to',
      'grant_type is not exactly refresh_token',
    ],
    fix: [
      'Check the refresh request (line shown): grant_type=refresh_token, the same client_id and client authentication as the original exchange.',
      'When the refresh fails with invalid_grant, clear the stored tokens and send the user through the login again instead of retrying.',
      'If refresh tokens expire sooner than users expect, review the server\'s refresh token lifetime.',
    ],
    spec: 'RFC 6749 §6, §5.2',
    stage: 'token',
    severity: 'error',
    from: ['log', 'live'],
    wire: 'invalid_grant',
    seeds: ['001', '002'],
  },
  refresh_token_reused: {
    title: 'An old, already rotated refresh token was used',
    meaning: 'The server rotates refresh tokens: every refresh returns a new one and the old one becomes invalid. The client sent a refresh token that had already been replaced; servers treat this as possible theft and often revoke the whole grant.',
    causes: [
      'The client does not store the new refresh token from the refresh response',
      'Two processes or tabs refresh at the same time with the same token',
      'A backup or cache restores an old token',
    ],
    fix: [
      'Compare the refresh token fingerprints in the refresh requests shown: the same fingerprint used twice means the new token was not kept.',
      'Store the refresh_token from every refresh response immediately, replacing the old one.',
      'Serialize refreshes (one refresh at a time per user, others wait for its result).',
      'After the grant was revoked, the user must log in again.',
    ],
    spec: 'RFC 9700 §4.14.2; RFC 6749 §6',
    stage: 'token',
    severity: 'error',
    from: ['log'],
    wire: 'invalid_grant',
    seeds: ['002'],
  },
  missing_bearer_prefix: {
    title: 'Authorization header lacks "Bearer "',
    meaning: 'Access tokens are sent as "Authorization: Bearer <token>". The header here has the token without the "Bearer" word, a different word, or extra spaces, so the API does not find a token and answers 401.',
    causes: [
      'The code sets the header to the token alone',
      'Typos such as "Bearer:" or two spaces, or the token wrapped in quotes',
    ],
    fix: [
      'Check the Authorization header of the API request (shown, token masked).',
      'Set it exactly to "Bearer " followed by the access token – one space, no quotes.',
    ],
    spec: 'RFC 6750 §2.1',
    stage: 'api',
    severity: 'error',
    from: ['log', 'live'],
    wire: 'HTTP 401',
    seeds: ['002'],
  },
  wrong_token_used: {
    title: 'Wrong token sent to the API',
    meaning: 'The API received a token that is not an access token for it – most often the ID token, or an intermediate token from the login steps. ID tokens tell the client who logged in; they are not meant to call APIs and are usually rejected.',
    causes: [
      'The client sends id_token instead of access_token from the token response',
      'A login or session token from an earlier step is reused for API calls',
    ],
    fix: [
      'Decode the token sent to the API (shown): the finding says which kind it is (typ, nonce, at_hash…).',
      'Send the "access_token" field of the token response in the Authorization header.',
      'Keep the tokens of each step in clearly named variables so they cannot be swapped.',
    ],
    spec: 'RFC 6750 §2.1; OpenID Connect Core 1.0 §2',
    stage: 'api',
    severity: 'error',
    from: ['log', 'token'],
    wire: 'HTTP 401',
    seeds: ['002'],
  },
  token_expired: {
    title: 'Token expired',
    meaning: 'The token\'s expiry time ("exp") lies in the past at the moment it was used, so the API rejects it. The finding says how long ago it expired.',
    causes: [
      'The client does not refresh the access token before it runs out',
      'No refresh token was issued (see offline_access), so the client cannot refresh',
      'The API server\'s clock runs ahead',
    ],
    fix: [
      'Compare "exp" (decoded in the finding) with the time of the failing request.',
      'Refresh the access token shortly before it expires (use expires_in from the token response), or reconnect when no refresh token exists.',
      'Check both machines\' clocks with NTP if the token expired only seconds ago.',
    ],
    spec: 'RFC 7519 §4.1.4; RFC 6750 §3.1',
    stage: 'api',
    severity: 'error',
    from: ['token', 'log'],
    wire: '401 invalid_token',
    seeds: ['000', '001'],
  },
  token_not_yet_valid: {
    title: 'Token not yet valid (clock skew)',
    meaning: 'The token says it becomes valid ("nbf") or was issued ("iat") at a time still in the future from the point of view of whoever checks it. The clocks of the issuing server and the checking server disagree.',
    causes: [
      'The authorization server\'s clock runs ahead, or the API server\'s clock runs behind',
      'Virtual machines or containers without time synchronisation',
    ],
    fix: [
      'Compare nbf/iat (decoded in the finding) with the time of the request; the difference is the clock skew.',
      'Enable NTP time synchronisation on both servers.',
      'Allow a small clock tolerance (30–60 seconds) in the API\'s token validation.',
    ],
    spec: 'RFC 7519 §4.1.5, §4.1.6',
    stage: 'api',
    severity: 'error',
    from: ['token'],
    wire: 'HTTP 401',
    seeds: [],
  },
  token_audience_mismatch: {
    title: 'Token audience does not match the API',
    meaning: 'The "aud" claim says which API or client the token is meant for. It does not name the API (or client) that received it, so the API refuses a token that was issued for someone else.',
    causes: [
      'The client did not request the token for this API (missing resource or audience parameter)',
      'The API expects a slightly different audience string (trailing slash, http vs https, another host)',
      'A token for another environment or API is reused',
    ],
    fix: [
      'Compare the "aud" value (decoded in the finding) with the audience the API is configured to accept; the finding highlights near-misses such as a trailing slash.',
      'Request the token with the API\'s identifier (resource=... per RFC 8707, or the provider\'s audience parameter).',
      'Or change the API\'s expected audience to the exact value the server issues.',
    ],
    spec: 'RFC 7519 §4.1.3; RFC 8707 §2; RFC 9068 §4',
    stage: 'api',
    severity: 'error',
    from: ['token', 'live'],
    wire: 'HTTP 401',
    seeds: ['000'],
  },
  token_issuer_mismatch: {
    title: 'Token issuer does not match',
    meaning: 'The token\'s "iss" claim differs from the issuer the API or client expects. Often the only difference is a trailing slash or http vs https, but validation compares the exact string.',
    causes: [
      'The expected issuer is configured with or without a trailing slash, unlike the server\'s real issuer',
      'The server builds its issuer from the request host (internal hostname, http behind a proxy)',
      'The token comes from another environment or tenant',
    ],
    fix: [
      'Compare "iss" (decoded in the finding) with the "issuer" value of the server\'s discovery document and with the API\'s configuration.',
      'Configure the API with exactly the issuer string from the discovery document.',
      'If the server emits an internal or http issuer, set its public issuer URL explicitly in the server configuration.',
    ],
    spec: 'RFC 7519 §4.1.1; RFC 9068 §4; RFC 8414 §3.3',
    stage: 'api',
    severity: 'error',
    from: ['token', 'probe'],
    wire: 'HTTP 401',
    seeds: ['000', '001'],
  },
  token_signature_invalid: {
    title: 'Token signature does not verify',
    meaning: 'The token\'s signature could not be verified with the server\'s published keys: it was altered, signed with another key, references a key id the JWKS does not contain, or is not signed at all ("alg": "none"). Such a token must not be trusted.',
    causes: [
      'The server rotated its signing keys and the API caches an old JWKS',
      'The token comes from another environment or issuer with different keys',
      'The token was modified (or built by hand) after signing',
      'The token uses "alg": "none" or an HMAC algorithm the JWKS cannot verify',
    ],
    fix: [
      'Read the reason in the finding: unknown kid, signature mismatch or refused algorithm.',
      'For an unknown kid, fetch the JWKS again (jwks_uri from discovery) and make the API refresh its key cache when it meets an unknown kid.',
      'Make sure the API verifies tokens against the JWKS of the issuer that issued them (same environment).',
      'Never accept "alg": "none"; restrict accepted algorithms to the ones the server uses.',
    ],
    spec: 'RFC 7515 §5.2; RFC 8725 §3.1–3.2',
    stage: 'api',
    severity: 'error',
    from: ['token'],
    wire: 'HTTP 401',
    seeds: ['004'],
  },

  // -------------------------------------------------------------------------------------------
  // Server side and configuration
  server_error: {
    title: 'The authorization server failed',
    meaning: 'The server hit an internal error (HTTP 5xx, server_error or temporarily_unavailable). The request may have been fine; the failure is on the server\'s side and is often temporary.',
    causes: [
      'A bug or unhandled exception in the server or one of its plugins',
      'A dependency is down (database, cache, key store)',
      'Overload or maintenance',
    ],
    fix: [
      'Look at the server\'s own log at the time of the failing request (line shown) for the exception.',
      'Retry with exponential backoff (for example 1 s, 2 s, 4 s) – but never retry a token request that exchanges a code; start a new login instead.',
      'Check the provider\'s status page or your server\'s health checks.',
    ],
    spec: 'RFC 6749 §4.1.2.1, §5.2',
    stage: 'token',
    severity: 'error',
    from: ['log', 'probe', 'live'],
    wire: '5xx server_error / temporarily_unavailable',
    seeds: ['004'],
  },
  endpoint_not_found: {
    title: 'Endpoint URL not found (404)',
    meaning: 'A request to an authorize, token or registration URL returned 404. The URL is wrong, or the endpoint is not exposed where the client looks for it, so the request never reached the OAuth logic.',
    causes: [
      'A typo or wrong path in the configured URL (/oauth/token vs /oauth2/token)',
      'A base path or prefix is missing behind a reverse proxy',
      'The URL was entered by hand instead of taken from the discovery document',
    ],
    fix: [
      'Compare the URL that returned 404 (shown) with authorization_endpoint / token_endpoint / registration_endpoint in the discovery document.',
      'Configure the client with the URLs from discovery, or point it at the issuer so it discovers them itself.',
      'Behind a proxy, check that the path is forwarded unchanged to the OAuth server.',
    ],
    spec: 'RFC 8414 §2',
    stage: 'token',
    severity: 'error',
    from: ['probe', 'log'],
    wire: 'HTTP 404',
    seeds: ['002', '003'],
  },
  discovery_missing: {
    title: 'No discovery document',
    meaning: 'Neither /.well-known/oauth-authorization-server nor /.well-known/openid-configuration exists for this issuer. Clients that configure themselves automatically – MCP clients, ChatGPT connectors – cannot find the endpoints.',
    causes: [
      'The server does not publish metadata at all',
      'It publishes it under another path (tenant or realm prefix) than the one derived from the issuer',
      'A proxy does not route /.well-known/ to the OAuth server',
    ],
    fix: [
      'Request both well-known URLs shown in the evidence and check what answers (404, HTML page, redirect).',
      'Publish the metadata at /.well-known/oauth-authorization-server (RFC 8414) – for an issuer with a path, insert the well-known part between host and path.',
      'Route /.well-known/* through the proxy to the OAuth server.',
    ],
    spec: 'RFC 8414 §3; OpenID Connect Discovery 1.0 §4',
    stage: 'discovery',
    severity: 'error',
    from: ['probe'],
    wire: 'HTTP 404',
    seeds: ['001', '004'],
  },
  discovery_issuer_mismatch: {
    title: 'Discovery "issuer" differs from where it was fetched',
    meaning: 'The "issuer" inside the metadata must be exactly the issuer URL the document was fetched for. Here it differs – often only by a trailing slash – and strict clients reject the whole document, because an attacker could otherwise serve another server\'s metadata.',
    causes: [
      'The issuer is configured with a trailing slash but the URL is used without (or the reverse)',
      'The server builds the issuer from an internal hostname or with http behind a TLS proxy',
    ],
    fix: [
      'Compare the "issuer" value (shown) with the URL the metadata was requested for; the finding highlights the difference.',
      'Set the server\'s issuer to the exact public URL clients use, with the same trailing-slash choice everywhere (metadata, tokens, client configuration).',
      'Re-run the discovery probe to confirm they now match.',
    ],
    spec: 'RFC 8414 §3.3',
    stage: 'discovery',
    severity: 'error',
    from: ['probe'],
    seeds: ['001'],
  },
  discovery_invalid: {
    title: 'Discovery document is invalid',
    meaning: 'The metadata exists but cannot be used: it is not JSON, has the wrong content type, lacks required fields, or lists endpoints that are not https. Clients give up or fall back to wrong defaults.',
    causes: [
      'An HTML page (login, error page) is served instead of JSON',
      'Required fields such as issuer, authorization_endpoint, token_endpoint or response_types_supported are missing',
      'Endpoints built with http:// or an internal hostname',
    ],
    fix: [
      'Open the metadata response (shown) and read the specific problem listed in the finding.',
      'Serve application/json with all required fields; endpoints must be absolute https URLs on the public host.',
      'Re-run the discovery probe.',
    ],
    spec: 'RFC 8414 §2, §3.2',
    stage: 'discovery',
    severity: 'error',
    from: ['probe'],
    seeds: ['001', '004'],
  },
  pkce_s256_unsupported: {
    title: 'Server does not advertise PKCE S256',
    meaning: 'The metadata\'s code_challenge_methods_supported does not include S256 (or is missing). Clients that require PKCE – MCP clients must – refuse to use the server, or fall back to weaker behaviour.',
    causes: [
      'The server supports PKCE but does not say so in its metadata',
      'Only "plain" is supported, or PKCE is not implemented',
    ],
    fix: [
      'Check "code_challenge_methods_supported" in the metadata (shown).',
      'Enable PKCE with S256 on the server and add "code_challenge_methods_supported": ["S256"] to the metadata.',
      'Re-run the discovery probe.',
    ],
    spec: 'RFC 7636 §4.2; RFC 8414 §2',
    stage: 'discovery',
    severity: 'warning',
    from: ['probe'],
    seeds: ['002'],
  },
  protected_resource_metadata_missing: {
    title: 'No protected resource metadata',
    meaning: 'The resource (for example an MCP server) does not publish /.well-known/oauth-protected-resource, the document that tells clients which authorization server protects it. MCP clients rely on it to start the login.',
    causes: [
      'The resource server has not implemented RFC 9728 metadata',
      'It is published under another path than the one derived from the resource URL',
    ],
    fix: [
      'Request the well-known URL shown in the evidence and check what answers.',
      'Serve JSON at /.well-known/oauth-protected-resource with at least "resource" (the resource\'s URL) and "authorization_servers" (your issuer).',
      'Point to it from the 401 responses with WWW-Authenticate: Bearer resource_metadata="...".',
    ],
    spec: 'RFC 9728 §3',
    stage: 'discovery',
    severity: 'error',
    from: ['probe'],
    wire: 'HTTP 404',
    seeds: ['001'],
  },
  resource_not_protected: {
    title: 'Protected endpoint answers without a token',
    meaning: 'The endpoint that should require a token (for example an MCP /sse or /mcp endpoint) returned data to a request without any token. Clients therefore never start the OAuth flow – and anyone can use the endpoint.',
    causes: [
      'The authentication middleware is not applied to this route',
      'An "allow anonymous" or debug setting is active',
    ],
    fix: [
      'Call the endpoint without an Authorization header (the probe request is shown) and confirm it answers 200.',
      'Apply the token check to the route, returning 401 with a WWW-Authenticate header when no valid token is sent.',
      'Re-run the probe: it should now get 401.',
    ],
    spec: 'RFC 6750 §3',
    stage: 'api',
    severity: 'error',
    from: ['probe'],
    wire: 'HTTP 200',
    seeds: ['001'],
  },
  www_authenticate_missing: {
    title: '401 without a usable WWW-Authenticate header',
    meaning: 'The resource rejected an unauthenticated request with 401, but without a "WWW-Authenticate: Bearer" header pointing to its metadata. MCP clients read that header to find the authorization server; without it they cannot start the login.',
    causes: [
      'The framework\'s default 401 handler sends no header',
      'The header is present but lacks the resource_metadata parameter',
    ],
    fix: [
      'Look at the 401 response headers (shown).',
      'Return: WWW-Authenticate: Bearer resource_metadata="https://<resource>/.well-known/oauth-protected-resource" (add error="invalid_token" when a bad token was sent).',
      'Re-run the enforcement probe: the 401 should now carry the header, and an MCP client can follow it to the metadata.',
    ],
    spec: 'RFC 6750 §3; RFC 9728 §5.1',
    stage: 'api',
    severity: 'error',
    from: ['probe'],
    wire: 'HTTP 401',
    seeds: ['001'],
  },
  registration_failed: {
    title: 'Dynamic client registration rejected',
    meaning: 'The client tried to register itself at the registration endpoint (as MCP clients and ChatGPT connectors do) and the server refused. Without a registration there is no client_id and the login cannot start.',
    causes: [
      'A redirect URI the server does not accept (http, wrong host, not on an allow-list)',
      'Unsupported metadata: grant_types, token_endpoint_auth_method or scope the server does not allow',
      'Registration requires an initial access token the client does not have',
    ],
    fix: [
      'Read the error and error_description of the registration response (shown): invalid_redirect_uri or invalid_client_metadata name the field.',
      'Allow the client\'s redirect URI and metadata in the server\'s registration policy, or adjust what the client sends.',
      'Re-run the registration probe (only when allowed) to confirm.',
    ],
    spec: 'RFC 7591 §3.2.2',
    stage: 'registration',
    severity: 'error',
    from: ['probe', 'log'],
    wire: '4xx invalid_client_metadata / invalid_redirect_uri',
    seeds: ['001'],
  },
  jwks_unavailable: {
    title: 'JWKS unreachable, unusable or unsafe',
    meaning: 'The server\'s key set (jwks_uri) could not be used to verify tokens: it did not answer, is not JSON, or holds no usable public signing key. It is also reported when the set publishes material that must never be public, such as private key parts or shared secrets.',
    causes: [
      'jwks_uri missing from the metadata, wrong, or blocked',
      'An HTML or error page instead of JSON',
      'Only encryption keys, unsupported key types or weak RSA keys in the set',
      'Private key members (d, p, q…) or symmetric "oct" keys published by mistake',
    ],
    fix: [
      'Open jwks_uri (from the discovery document) and read the specific problem the finding lists.',
      'Serve {"keys": [...]} with the public part of each signing key (kty, kid, use "sig", alg and the public parameters only).',
      'If private material or a secret was published, remove it, rotate that key immediately and revoke tokens signed with it.',
    ],
    spec: 'RFC 7517 §5; RFC 8414 §2',
    stage: 'discovery',
    severity: 'error',
    from: ['probe', 'token'],
    seeds: ['000'],
  },
  insecure_http_endpoint: {
    title: 'Plain http used where https is required',
    meaning: 'An OAuth endpoint, issuer or redirect URI uses http:// on a non-loopback host. Codes, tokens and secrets would travel unencrypted; production servers and most clients refuse it (only sandboxes and localhost allow http).',
    causes: [
      'The server builds URLs from the request behind a TLS-terminating proxy and sees http',
      'Configuration copied from a local development setup',
    ],
    fix: [
      'Find the http:// URL in the evidence (metadata field, redirect URI or configured URL).',
      'Use https for every OAuth URL; behind a proxy configure trusted proxies / X-Forwarded-Proto so the server builds https URLs.',
      'Keep http only for loopback redirect URIs of native apps (127.0.0.1 with any port).',
    ],
    spec: 'RFC 6749 §3.1, §3.1.2.1; RFC 8414 §2; RFC 8252 §7.3',
    stage: 'discovery',
    severity: 'warning',
    from: ['probe', 'input'],
    seeds: ['002'],
  },
  environment_mismatch: {
    title: 'Sandbox and production mixed up',
    meaning: 'Credentials or tokens from one environment (sandbox, staging) are used against the other (production). Each environment has its own clients and keys, so authentication fails although every value looks valid.',
    causes: [
      'The token URL points to production while the client id and secret are from the sandbox (or the reverse)',
      'An environment variable file from another stage was deployed',
    ],
    fix: [
      'Compare the host of the token URL with the environment the client credentials were created in (the provider\'s dashboard shows it).',
      'Keep one configuration set per environment and load credentials and URLs from the same set.',
      'Retry with matching credentials.',
    ],
    stage: 'token',
    severity: 'error',
    from: ['log', 'probe'],
    wire: 'invalid_client',
    seeds: ['002'],
  },
};

/** The catalog, keyed by finding id; every id of FINDING_IDS has an entry (the type enforces it). */
export const CATALOG: Readonly<Record<FindingId, CatalogEntry>> = Object.freeze(
  Object.fromEntries(FINDING_IDS.map((id) => [id, freezeEntry({ id, ...ENTRIES[id] })])) as Record<FindingId, CatalogEntry>,
);

/** Entries are shared by every consumer; freezing them (arrays included) keeps one caller from editing another's text. */
function freezeEntry(e: CatalogEntry): CatalogEntry {
  Object.freeze(e.causes);
  Object.freeze(e.fix);
  Object.freeze(e.from);
  Object.freeze(e.seeds);
  return Object.freeze(e);
}

/**
 * The entry for a finding id.
 *
 * @example catalogEntry('redirect_uri_mismatch').fix[0]
 */
export function catalogEntry(id: FindingId): CatalogEntry {
  return CATALOG[id];
}
