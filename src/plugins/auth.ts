// Passwordless login: POST /login emails a token, POST /authenticate trades it for a JWT,
// POST /logout revokes the API token behind the JWT.
import type { Plugin, Request } from '@hapi/hapi';
import Joi from 'joi';
import { clientIp, LIMITS } from '../auth/rate-limit';
import { DomainError } from '../services/errors';
import { emailAddress, emailToken } from '../schemas/common';
import { BODY_ERRORS, documented, route } from './route';
import { createEmailToken, exchangeEmailToken, normalizeEmail, revokeApiToken, withdrawEmailToken } from '../services/auth';

interface LoginPayload {
  readonly email: string;
}

interface AuthenticatePayload extends LoginPayload {
  readonly emailToken: string;
}

const email = emailAddress.required();

/** What the login rate limits read: the client's address and the validated email. */
type LimitedRequest = Pick<Request, 'headers' | 'info' | 'server'> & { readonly payload: LoginPayload };

const internals = {
  loginPayload: Joi.object<LoginPayload, true>({ email }).label('LoginRequest'),
  authenticatePayload: Joi.object<AuthenticatePayload, true>({
    email,
    emailToken: emailToken.required(),
  }).label('AuthenticateRequest'),
  jwt: Joi.object({
    token: Joi.string().max(2000).required(),
    expiresAt: Joi.date().iso().required(),
  }).label('Jwt'),
  loginAccepted: Joi.object({ message: Joi.string().max(200).required() }).label('LoginAccepted'),

  ipOf: (request: Pick<Request, 'headers' | 'info' | 'server'>) => clientIp(request, request.server.app.config.trustProxy),
  emailOf: (request: { payload: LoginPayload }) => normalizeEmail(request.payload.email),

  /** Login mails per client address and per email address. */
  async limitLogins(request: LimitedRequest): Promise<boolean> {
    await request.server.app.rateLimits.consume(
      [LIMITS.loginPerIp, internals.ipOf(request)],
      [LIMITS.loginPerEmail, internals.emailOf(request)],
    );
    return true;
  },

  /** Token guesses per client address, per (email, address), and a ceiling per email. */
  async limitAuthentications(request: LimitedRequest): Promise<boolean> {
    const ip = internals.ipOf(request);
    const email = internals.emailOf(request);
    await request.server.app.rateLimits.consume(
      [LIMITS.authenticatePerIp, ip],
      [LIMITS.authenticatePerEmailAndIp, `${email} ${ip}`],
      [LIMITS.authenticatePerEmail, email],
    );
    return true;
  },
};

const login = route({
  method: 'POST',
  path: '/login',
  options: {
    description: 'Email a single-use 8-digit login token (valid 10 minutes)',
    notes: 'Always 200 for a valid email address, whether or not an account exists; creates the account if new.',
    ...documented('auth', { 200: internals.loginAccepted }, [...BODY_ERRORS, 429], { public: true }),
    validate: { payload: internals.loginPayload },
    pre: [internals.limitLogins],
  },
  async handler(request) {
    const { db, config, mailer } = request.server.app;
    const email = internals.emailOf(request);
    const { tokenId, emailToken } = await createEmailToken(db, config.jwtSecret, email);
    try {
      await mailer.sendLoginToken(email, emailToken);
    } catch {
      // The mailer logged the failure (message and code only: never the SendGrid key).
      await withdrawEmailToken(db, tokenId);
      throw new DomainError('unavailable', 'The login email could not be sent, please retry shortly');
    }
    return {
      message: 'If the address is valid, a login token is on its way',
    };
  },
});

const authenticate = route({
  method: 'POST',
  path: '/authenticate',
  options: {
    description: 'Trade an email token for a JWT (valid 12 hours, revocable with /logout)',
    ...documented(
      'auth',
      {
        200: {
          description: 'The JWT, also in the Authorization response header',
          schema: internals.jwt,
          headers: { Authorization: { description: 'The same JWT', schema: { type: 'string', maxLength: 2000 } } },
        },
      },
      [...BODY_ERRORS, [401, 'Wrong or expired email token'], 429],
      { public: true },
    ),
    validate: { payload: internals.authenticatePayload },
    pre: [internals.limitAuthentications],
  },
  async handler(request, h) {
    const { db, config } = request.server.app;
    const { email, emailToken } = request.payload;
    // An isAdmin change reaches every instance's cache through the users trigger (src/auth/strategy.ts).
    const { token, expiresAt } = await exchangeEmailToken(db, config, email, emailToken);
    return h.response({ token, expiresAt }).header('Authorization', token);
  },
});

const logout = route({
  method: 'POST',
  path: '/logout',
  options: {
    description: 'Revoke the API token used for this request',
    ...documented('auth', { 204: 'Logged out: the token is revoked' }, BODY_ERRORS),
  },
  async handler(request, h) {
    await revokeApiToken(request.server.app.db, request.auth.credentials.tokenId);
    return h.response().code(204);
  },
});

export const authPlugin: Plugin<void> = {
  name: 'auth',
  register(server) {
    server.route(login);
    server.route(authenticate);
    server.route(logout);
  },
};
