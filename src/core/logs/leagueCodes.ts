/**
 * League OAuth2 Server (and so Laravel Passport) exception codes, shared by the Laravel line
 * reader and the JSON reader (Monolog's JsonFormatter writes the same exceptions as objects).
 */
/** League's OAuthServerException codes → OAuth error and HTTP status (league/oauth2-server 8.x). */
export const LEAGUE_CODES: Record<number, [string, number]> = {
  2: ['unsupported_grant_type', 400],
  3: ['invalid_request', 400],
  4: ['invalid_client', 401],
  5: ['invalid_scope', 400],
  6: ['invalid_grant', 400],
  7: ['server_error', 500],
  8: ['invalid_grant', 400],
  9: ['access_denied', 401],
  10: ['invalid_grant', 400],
  11: ['expired_token', 400],
  12: ['authorization_pending', 400],
  13: ['slow_down', 400],
  14: ['unauthorized_client', 401],
};
