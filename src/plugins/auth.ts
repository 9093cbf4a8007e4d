// Passwordless login: POST /login emails a token, POST /authenticate trades it for a JWT,
// POST /logout revokes the API token behind the JWT.
import type { Plugin, Request } from '@hapi/hapi';
import Joi from 'joi';
import { clientIp, LIMITS } from '../auth/rate-limit';
import { DomainError } from '../services/errors';
import { emailAddress, emailToken } from '../schemas/common';
import { BODY_ERRORS, documented } from './route';
import { createEmailToken, exchangeEmailToken, normalizeEmail, revokeApiToken, withdrawEmailToken } from '../services/auth';

interface LoginPayload {
  readonly email: string;
}

interface AuthenticatePayload extends LoginPayload {
  readonly emailToken: string;
}

const email = emailAddress.required();

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
};

export const authPlugin: Plugin<void> = {
  name: 'auth',
  register(server) {
    const { config, db, mailer, rateLimits: limits } = server.app;

    const ipOf = (request: Pick<Request, 'headers' | 'info'>) => clientIp(request, config.trustProxy);
    const emailOf = (request: { payload: LoginPayload }) => normalizeEmail(request.payload.email);

    server.route<{ Payload: LoginPayload }>({
      method: 'POST',
      path: '/login',
      options: {
        description: 'Email a single-use 8-digit login token (valid 10 minutes)',
        notes: 'Always 200 for a valid email address, whether or not an account exists; creates the account if new.',
        ...documented('auth', { 200: internals.loginAccepted }, [...BODY_ERRORS, 429], { public: true }),
        validate: { payload: internals.loginPayload },
        pre: [
          async (request) => {
            await limits.consume([LIMITS.loginPerIp, ipOf(request)], [LIMITS.loginPerEmail, emailOf(request)]);
            return true;
          },
        ],
      },
      async handler(request) {
        const email = emailOf(request);
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
    server.route<{ Payload: AuthenticatePayload }>({
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
        pre: [
          async (request) => {
            const ip = ipOf(request);
            const email = emailOf(request);
            await limits.consume(
              [LIMITS.authenticatePerIp, ip],
              [LIMITS.authenticatePerEmailAndIp, `${email} ${ip}`],
              [LIMITS.authenticatePerEmail, email],
            );
            return true;
          },
        ],
      },
      async handler(request, h) {
        const { email, emailToken } = request.payload;
        // An isAdmin change reaches every instance's cache through the users trigger (src/auth/strategy.ts).
        const { token, expiresAt } = await exchangeEmailToken(db, config, email, emailToken);
        return h.response({ token, expiresAt }).header('Authorization', token);
      },
    });
    server.route({
      method: 'POST',
      path: '/logout',
      options: {
        description: 'Revoke the API token used for this request',
        ...documented('auth', { 204: 'Logged out: the token is revoked' }, BODY_ERRORS),
      },
      async handler(request, h) {
        await revokeApiToken(db, request.auth.credentials.tokenId);
        return h.response().code(204);
      },
    });
  },
};
