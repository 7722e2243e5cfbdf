// A real OpenID Provider (oidc-provider 9.x) on 127.0.0.1 for the end-to-end tests and local demos.
// One public client (authorization code + PKCE S256, no refresh tokens), the built-in development
// login and consent forms, a few known test users, in-memory storage and signing keys made at startup.
// Configuration is by environment variable only; see README.md next to this file.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import process from 'node:process';

const env = process.env;

// oidc-provider 9 relies on URL.parse (Node.js 20.18 and later; Debian 12's own nodejs is 18).
if (typeof URL.parse !== 'function') {
  process.stderr.write(`oidc-provider: Node.js 20.18 or later is needed, this is ${process.version}.\n`);
  process.exit(2);
}

// On Node.js 20 the library warns, at import, that it supports only 22 LTS and later. This test provider needs only
// URL.parse, checked above, and runs on 20.18 and later, so that one notice is left out; every other warning stays.
const unsupportedRuntime = 'oidc-provider WARNING: Unsupported runtime.';
const warn = console.warn;
console.warn = (first, ...rest) => {
  if (typeof first === 'string' && first.includes(unsupportedRuntime) && /^v20\./.test(process.version)) {
    return;
  }
  warn(first, ...rest);
};
let imported;
try {
  imported = await import('oidc-provider');
} finally {
  console.warn = warn;
}
const { default: Provider, interactionPolicy } = imported;

function fail(message) {
  process.stderr.write(`oidc-provider: ${message}\n`);
  process.exit(2);
}

function list(name) {
  return (env[name] ?? '').split(',').map((value) => value.trim()).filter(Boolean);
}

function seconds(name, fallback) {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    fail(`${name} must be a positive whole number of seconds, not '${raw}'.`);
  }
  return value;
}

function flag(name) {
  return ['1', 'true', 'yes'].includes((env[name] ?? '').toLowerCase());
}

const port = Number(env.OIDC_PORT);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  fail('OIDC_PORT is required (a TCP port to listen on at 127.0.0.1).');
}

const issuer = (env.OIDC_ISSUER || `http://127.0.0.1:${port}`).replace(/\/+$/u, '');
const clientId = env.OIDC_CLIENT_ID || 'gateway';
const accessTokenTtl = seconds('OIDC_ACCESS_TOKEN_TTL', 600);
const idTokenTtl = seconds('OIDC_ID_TOKEN_TTL', 600);
const sessionTtl = seconds('OIDC_SESSION_TTL', 3600);

// With OIDC_ALLOW_LOOPBACK_REDIRECTS=1 the client is registered with application_type "native", for which
// oidc-provider matches http loopback redirect URIs (127.0.0.1, [::1], localhost) on everything but the
// port (RFC 8252 section 7.3; OpenID Connect Registration). The tests need that because the gateway's
// port is only known after the provider has started. Scheme, host, path and query must still match.
const allowLoopbackRedirects = flag('OIDC_ALLOW_LOOPBACK_REDIRECTS');
let redirectUris = list('OIDC_REDIRECT_URIS');
let postLogoutRedirectUris = list('OIDC_POST_LOGOUT_REDIRECT_URIS');
if (allowLoopbackRedirects) {
  if (redirectUris.length === 0) {
    redirectUris = ['http://127.0.0.1/signin-oidc', 'http://localhost/signin-oidc'];
  }
  if (postLogoutRedirectUris.length === 0) {
    postLogoutRedirectUris = ['http://127.0.0.1/signout-callback-oidc', 'http://localhost/signout-callback-oidc'];
  }
}
if (redirectUris.length === 0) {
  fail('OIDC_REDIRECT_URIS is required (comma-separated), unless OIDC_ALLOW_LOOPBACK_REDIRECTS=1.');
}

// Known test users. Any other login name signs in as a user with only a subject.
const users = {
  alice: {
    name: 'Alice Example', tenant: 'acme', groups: ['staff', 'finance'], roles: ['reader'],
  },
  bob: {
    name: 'Bob Example', tenant: 'globex', groups: ['staff'], roles: ['reader'],
  },
  carol: {
    name: 'Carol Example', tenant: 'acme', groups: ['contractors'], roles: [],
  },
};

function claimsOf(accountId) {
  const user = Object.hasOwn(users, accountId) ? users[accountId] : undefined;
  if (user === undefined) {
    return { sub: accountId };
  }
  return {
    sub: accountId,
    name: user.name,
    preferred_username: accountId,
    tenant: user.tenant,
    groups: [...user.groups],
    roles: [...user.roles],
  };
}

// Pages without the default ones' web fonts, so a browser on a closed network never waits for them.
function page(title, body) {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`;
}

function htmlSafe(value) {
  return String(value).replace(/[&<>"']/gu, (c) => `&#${c.charCodeAt(0)};`);
}

// Native clients are always asked for consent; with that check removed the loopback client behaves
// like the web client it stands in for (consent once per grant, silent sign-in while the session lives).
const policy = interactionPolicy.base();
if (allowLoopbackRedirects) {
  policy.get('consent').checks.remove('native_client_prompt');
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = {
  ...privateKey.export({ format: 'jwk' }), alg: 'RS256', use: 'sig', kid: randomBytes(8).toString('hex'),
};

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    application_type: allowLoopbackRedirects ? 'native' : 'web',
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    redirect_uris: redirectUris,
    post_logout_redirect_uris: postLogoutRedirectUris,
    id_token_signed_response_alg: 'RS256',
  }],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  async findAccount(_ctx, accountId) {
    return {
      accountId,
      async claims() {
        return claimsOf(accountId);
      },
    };
  },
  responseTypes: ['code'],
  scopes: ['openid', 'profile', 'gateway'],
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username'],
    gateway: ['tenant', 'groups', 'roles'],
  },
  // Every claim of a granted scope goes into the ID token too, not only into userinfo.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  interactions: { policy },
  features: {
    devInteractions: { enabled: true },
    // ASP.NET Core 10 pushes the authorization request when the provider offers PAR; it works with this
    // public client, so PAR stays on (not required) and plain authorization requests work as well.
    pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
    // Off: no resource servers here. With it on, a defaultResource for every client turns the access token
    // into one for that resource, and userinfo then answers 401.
    resourceIndicators: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.body = page('Logout Request', `<h1>Do you want to sign-out from ${htmlSafe(ctx.host)}?</h1>${form}`
          + '<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>'
          + '<button type="submit" form="op.logoutForm">No, stay signed in</button>');
      },
      async postLogoutSuccessSource(ctx) {
        ctx.body = page('Sign-out Success', '<h1>Sign-out Success</h1><p>Your sign-out was successful.</p>');
      },
    },
    userinfo: { enabled: true },
  },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('oops! something went wrong', '<h1>oops! something went wrong</h1>'
      + Object.entries(out).map(([key, value]) => `<pre><strong>${htmlSafe(key)}</strong>: ${htmlSafe(value)}</pre>`).join(''));
  },
  ttl: {
    AccessToken: accessTokenTtl,
    IdToken: idTokenTtl,
    Session: sessionTtl,
    Grant: sessionTtl,
    Interaction: 600,
    AuthorizationCode: 60,
  },
});

provider.on('server_error', (_ctx, error) => {
  process.stderr.write(`oidc-provider server_error: ${error.stack ?? error}\n`);
});

const server = createServer(provider.callback());
server.on('error', (error) => fail(`cannot listen on 127.0.0.1:${port}: ${error.message}`));
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`oidc-provider listening on ${issuer}\n`);
});

function shutdown() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}

process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
