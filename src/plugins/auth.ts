// Passwordless login: POST /login emails a token, POST /authenticate trades it for a JWT,
// POST /logout revokes the API token behind the JWT.
import type { Plugin, Request } from '@hapi/hapi';
import Joi from 'joi';
import { createLoginMailer } from '../auth/email';
import { clientIp, createRateLimiters, LIMITS } from '../auth/rate-limit';
import { DomainError } from '../errors';
import { text } from '../schemas/common';
import { createEmailToken, exchangeEmailToken, normalizeEmail, revokeApiToken, withdrawEmailToken } from '../services/auth';

const schemas = {
  email: text.trim().email({ tlds: false }).max(254).required(),
  emailToken: Joi.string()
    .pattern(/^\d{8}$/)
    .required()
    .messages({ 'string.pattern.base': '"emailToken" must be the 8 digits from the email' }),
  jwt: Joi.object({
    token: Joi.string().required(),
    expiresAt: Joi.date().iso().required(),
  }).label('Jwt'),
};

const payloads = {
  login: Joi.object({ email: schemas.email }).label('LoginRequest'),
  authenticate: Joi.object({ email: schemas.email, emailToken: schemas.emailToken }).label('AuthenticateRequest'),
};

export const authPlugin: Plugin<void> = {
  name: 'auth',
  async register(server) {
    const { config, db } = server.app;
    const mailer = createLoginMailer(config, server.logger);
    const limits = createRateLimiters(config.redisUrl);
    server.ext('onPostStop', () => limits.close());
    // Counting in memory while Redis connects would split the budget between instances.
    if (!(await limits.ready())) {
      server.logger.warn('REDIS_URL does not answer: rate limits are per instance until it does');
    }

    const ipOf = (request: Request) => clientIp(request, config.trustProxy);
    const emailOf = (request: Request) => normalizeEmail((request.payload as { email: string }).email);

    server.route([
      {
        method: 'POST',
        path: '/login',
        options: {
          auth: false,
          description: 'Email a single-use 8-digit login token (valid 10 minutes)',
          notes: 'Always 200 for a valid email address, whether or not an account exists; creates the account if new.',
          tags: ['api', 'auth'],
          validate: { payload: payloads.login },
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
          } catch (err) {
            await withdrawEmailToken(db, tokenId);
            request.log(['error', 'email'], { err });
            throw new DomainError('unavailable', 'The login email could not be sent, please retry shortly');
          }
          return { message: 'If the address is valid, a login token is on its way' };
        },
      },
      {
        method: 'POST',
        path: '/authenticate',
        options: {
          auth: false,
          description: 'Trade an email token for a JWT (valid 12 hours, revocable with /logout)',
          tags: ['api', 'auth'],
          validate: { payload: payloads.authenticate },
          response: { status: { 200: schemas.jwt } },
          pre: [
            async (request) => {
              await limits.consume([LIMITS.authenticatePerIp, ipOf(request)], [LIMITS.authenticatePerEmail, emailOf(request)]);
              return true;
            },
          ],
        },
        async handler(request, h) {
          const { email, emailToken } = request.payload as { email: string; emailToken: string };
          const { token, expiresAt } = await exchangeEmailToken(db, config, email, emailToken);
          return h.response({ token, expiresAt }).header('Authorization', token);
        },
      },
      {
        method: 'POST',
        path: '/logout',
        options: {
          description: 'Revoke the API token used for this request',
          tags: ['api', 'auth'],
        },
        async handler(request, h) {
          await revokeApiToken(db, request.auth.credentials.tokenId);
          server.app.credentialsCache.evictToken(request.auth.credentials.tokenId);
          return h.response().code(204);
        },
      },
    ]);
  },
};
