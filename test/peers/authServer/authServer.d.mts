// Types for the plain-JS test authorization server (authServer.mjs), for the TypeScript tests.
import type { Provider } from 'oidc-provider';

export interface AuthServerConfig {
  redirectUris?: string[];
  clientId?: string;
  clientSecret?: string;
  authMethod?: 'client_secret_basic' | 'client_secret_post' | 'none';
  pkceRequired?: boolean;
  codeTtlSeconds?: number;
  trailingSlashIssuer?: boolean;
  requestObjectsRequired?: boolean;
  registration?: false | 'open' | 'restricted';
  clientCredentials?: boolean;
  resource?: string;
  extraClients?: Record<string, unknown>[];
}

export interface AuthServer {
  issuer: string;
  origin: string;
  port: number;
  provider: Provider;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

export interface ResourceServer {
  url: string;
  origin: string;
  resource: string;
  close(): Promise<void>;
}

export function freePort(): Promise<number>;
export function startAuthServer(config?: AuthServerConfig): Promise<AuthServer>;
export function startResourceServer(opts: { issuer: string; mode?: 'healthy' | 'open' | 'no_www_authenticate'; metadata?: boolean; port?: number }): Promise<ResourceServer>;
