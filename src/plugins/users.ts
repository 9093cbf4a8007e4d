// Accounts: the caller's profile, and user management (admins, or users acting on themselves).
import type { Plugin } from '@hapi/hapi';
import Joi from 'joi';
import { isAdmin, isSelf, userFromPath } from '../auth/policies';
import { LIMITS } from '../auth/rate-limit';
import { emailAddress, emailToken, idParams, listQuery, text, timestamp } from '../schemas/common';
import * as users from '../services/users';
import { userSummaryFields } from '../schemas/resources';
import { BODY_ERRORS, documented, route } from './route';

const name = text.trim().min(1).max(100).allow(null);
const social = Joi.object().pattern(text.max(50), text.max(500)).max(20).allow(null).label('Social');
const email = emailAddress;

const internals = {
  params: idParams('userId'),
  createPayload: Joi.object<users.NewUser, true>({
    email: email.required(),
    firstName: name,
    lastName: name,
    social,
  }).label('UserCreate'),
  updatePayload: Joi.object<users.UserInput, true>({
    email,
    firstName: name,
    lastName: name,
    social,
  })
    .min(1)
    .label('UserUpdate'),
  emailConfirmationPayload: Joi.object<EmailConfirmation, true>({
    emailToken: emailToken.required(),
  }).label('EmailConfirmation'),
  user: Joi.object({
    ...userSummaryFields,
    social: Joi.object().pattern(Joi.string().max(50), Joi.string().max(500)).max(20).allow(null).required().label('SocialLinks'),
    isAdmin: Joi.boolean().required(),
    pendingEmail: Joi.string().max(254).allow(null).required().description('A new email awaiting the token mailed to it'),
    createdAt: timestamp.required(),
    updatedAt: timestamp.required(),
  }).label('User'),
};

interface EmailConfirmation {
  readonly emailToken: string;
}

const getProfile = route({
  method: 'GET',
  path: '/profile',
  options: {
    description: 'The authenticated user',
    ...documented('users', { 200: internals.user }),
  },
  handler: (request) => users.getUser(request.server.app.db, request.auth.credentials.userId),
});

const listUsers = route({
  method: 'GET',
  path: '/users',
  options: {
    description: 'List users (admin)',
    ...documented('users', { 200: Joi.array().items(internals.user).max(100).label('Users') }, [400, 403]),
    validate: { query: listQuery },
    pre: [isAdmin],
  },
  handler: (request) => users.listUsers(request.server.app.db, request.query),
});

const createUser = route({
  method: 'POST',
  path: '/users',
  options: {
    description: 'Create a user (admin); 409 when the email is taken',
    ...documented('users', { 201: internals.user }, [...BODY_ERRORS, 403, 409]),
    validate: { payload: internals.createPayload },
    pre: [isAdmin],
  },
  handler: async (request, h) => h.response(await users.createUser(request.server.app.db, request.payload)).code(201),
});

const getUser = route({
  method: 'GET',
  path: '/users/{userId}',
  options: {
    description: 'A user (self or admin)',
    ...documented('users', { 200: internals.user }, [400, 403, 404]),
    validate: { params: internals.params },
    pre: [userFromPath, isSelf],
  },
  handler: (request) => request.pre.user,
});

const updateUser = route({
  method: 'PUT',
  path: '/users/{userId}',
  options: {
    description: 'Update a user (self or admin); isAdmin is not settable',
    notes:
      'An admin changes the email directly. Anyone else keeps the old email: the new one shows as pendingEmail and a token is mailed to it (confirm with POST /users/{userId}/email-confirmation); 409 if another account has it, 503 if the mail cannot be sent, 429 after 5 such mails in 15 minutes.',
    ...documented('users', { 200: internals.user }, [...BODY_ERRORS, 403, 404, 409, 429]),
    validate: {
      params: internals.params,
      payload: internals.updatePayload,
    },
    pre: [userFromPath, isSelf],
  },
  handler: async (request) => {
    const { db, config, mailer, rateLimits } = request.server.app;
    const { userId } = request.params;
    const input = request.payload;
    if (input.email === undefined || request.auth.credentials.isAdmin) {
      return users.updateUser(db, userId, input);
    }
    // Each request mails an address the caller typed: a few per 15 minutes.
    await rateLimits.consume([LIMITS.emailChangeMailsPerUser, String(userId)]);
    return users.requestEmailChange(db, config.jwtSecret, userId, { ...input, email: input.email }, (to, emailToken) =>
      mailer.sendEmailChangeToken(to, emailToken),
    );
  },
});

const confirmEmailChange = route({
  method: 'POST',
  path: '/users/{userId}/email-confirmation',
  options: {
    description: 'Confirm a pending email change with the token mailed to the new address (self)',
    notes: 'The new address becomes the email, and every other session (API token) of the user is revoked.',
    ...documented('users', { 200: { description: 'The user with the new email', schema: internals.user } }, [
      ...BODY_ERRORS,
      [401, 'Missing or invalid JWT, or a wrong or expired email token'],
      403,
      404,
      409,
    ]),
    validate: {
      params: internals.params,
      payload: internals.emailConfirmationPayload,
    },
    pre: [userFromPath, isSelf],
  },
  handler: async (request) => {
    const { db, config } = request.server.app;
    const { userId } = request.params;
    const user = await users.confirmEmailChange(db, config.jwtSecret, userId, request.payload.emailToken, request.auth.credentials.tokenId);
    return user; // the revoked sessions stop on every instance (tokens trigger, src/auth/strategy.ts)
  },
});

const deleteUser = route({
  method: 'DELETE',
  path: '/users/{userId}',
  options: {
    description: 'Delete a user with their tokens, enrollments, feedback and received results (self or admin)',
    ...documented('users', { 204: 'Deleted' }, [...BODY_ERRORS, 403, 404]),
    validate: { params: internals.params },
    pre: [userFromPath, isSelf],
  },
  handler: async (request, h) => {
    await users.deleteUser(request.server.app.db, request.params.userId);
    return h.response().code(204);
  },
});

export const usersPlugin: Plugin<void> = {
  name: 'users',
  register(server) {
    server.route(getProfile);
    server.route(listUsers);
    server.route(createUser);
    server.route(getUser);
    server.route(updateUser);
    server.route(confirmEmailChange);
    server.route(deleteUser);
  },
};
