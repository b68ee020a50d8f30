/**
 * Maps an OAuth error answer (from a redirect, an error page or a token endpoint) to the finding of
 * the error catalog it stands for. The description matters: `invalid_request` means "PKCE required"
 * in one server and "request object required" in another.
 */
import type { ProbeProblem } from './probeReport';

/**
 * @example findingForOAuthError('invalid_request', 'Authorization Server policy requires PKCE to be used for this request')
 * // { id: 'pkce_missing', … }
 */
export function findingForOAuthError(error: string | undefined, description: string | undefined, status?: number): ProbeProblem | undefined {
  const d = description ?? '';
  const said = `${error ?? `HTTP ${status ?? '?'}`}${d ? ` (“${d}”)` : ''}`;
  switch (error) {
    case 'access_denied':
      return { id: 'access_denied', severity: 'error', detail: `the user or a policy denied the request: ${said}` };
    case 'invalid_scope':
      return { id: 'scope_not_allowed', severity: 'error', detail: `a requested scope is not allowed: ${said}` };
    case 'unauthorized_client':
      return { id: 'unauthorized_client', severity: 'error', detail: `the client may not use this grant or response type: ${said}` };
    case 'unsupported_grant_type':
      return { id: 'unsupported_grant_type', severity: 'error', detail: `the grant type is not supported: ${said}` };
    case 'unsupported_response_type':
      return { id: 'missing_required_parameter', severity: 'error', detail: `the response type is not supported for this client: ${said}` };
    case 'invalid_client':
      return { id: 'invalid_client', severity: 'error', detail: `the AS does not know or accept this client: ${said}` };
    case 'server_error':
    case 'temporarily_unavailable':
      return { id: 'server_error', severity: 'error', detail: `the AS failed: ${said}; retry with backoff and check its status` };
    case 'invalid_redirect_uri':
      return { id: 'redirect_uri_mismatch', severity: 'error', detail: `the redirect_uri is not registered for this client: ${said}`, data: { kind: 'not_registered' } };
    case 'invalid_request_object':
      return { id: 'jar_invalid', severity: 'error', detail: `the request object was rejected: ${said}` };
    case 'invalid_request_uri':
      return { id: 'jar_invalid', severity: 'error', detail: `the request_uri was rejected: ${said}` };
    case 'invalid_request':
      if (/(grant|response) type.*not allowed|not allowed for this client|not authorized to use/i.test(d)) return { id: 'unauthorized_client', severity: 'error', detail: `the client may not use this grant or response type: ${said}` };
      if (/pkce|code_challenge|code_verifier/i.test(d)) return { id: 'pkce_missing', severity: 'error', detail: `the AS requires PKCE: ${said}` };
      if (/request object|request parameter is required|\brequest\b.*\brequired\b|signed request/i.test(d)) return { id: 'jar_required', severity: 'error', detail: `the AS requires a request object (JAR): ${said}` };
      if (/redirect_uri/i.test(d)) return { id: 'redirect_uri_mismatch', severity: 'error', detail: `the redirect_uri was rejected: ${said}`, data: { kind: 'not_registered' } };
      if (/expired/i.test(d)) return { id: 'jar_expired', severity: 'error', detail: `the AS says something expired: ${said}` };
      return { id: 'missing_required_parameter', severity: 'error', detail: `the AS rejected the request as malformed: ${said}` };
    default:
      if (status === 404) return { id: 'endpoint_not_found', severity: 'error', detail: `HTTP 404: wrong endpoint URL` };
      if (status !== undefined && status >= 500) return { id: 'server_error', severity: 'error', detail: `the AS failed with HTTP ${status}${d ? ` (“${d}”)` : ''}` };
      if (status === 498) return { id: 'client_key_invalid', severity: 'error', detail: 'HTTP 498: the provider-specific client key header is invalid' };
      if (status === 499) return { id: 'client_key_missing', severity: 'error', detail: 'HTTP 499: the provider-specific client key header is missing' };
      return undefined;
  }
}
