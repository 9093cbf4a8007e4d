// Accounts: the caller's profile, and user management (admins, or users acting on themselves).
import type { Plugin, Request } from '@hapi/hapi';
import Joi from 'joi';
import { isAdmin, isSelf } from '../auth/policies';
import { id, listQuery, text, type ListQuery } from '../schemas/common';
import { createUser, deleteUser, getUser, listUsers, updateUser, type UserInput } from '../services/users';

const schemas = {
  params: Joi.object({ userId: id.required() }),
  name: text.trim().min(1).max(100).allow(null),
  social: Joi.object().pattern(text.max(50), text.max(500)).max(20).allow(null),
  user: Joi.object({
    id: Joi.number().integer().required(),
    email: Joi.string().required(),
    firstName: Joi.string().allow(null),
    lastName: Joi.string().allow(null),
    social: Joi.object().unknown(true).allow(null),
    isAdmin: Joi.boolean().required(),
    createdAt: Joi.date().required(),
    updatedAt: Joi.date().required(),
  }).label('User'),
};

const payloads = {
  create: Joi.object({
    email: text.trim().email({ tlds: false }).max(254).required(),
    firstName: schemas.name,
    lastName: schemas.name,
    social: schemas.social,
  }).label('UserCreate'),
  update: Joi.object({
    email: text.trim().email({ tlds: false }).max(254),
    firstName: schemas.name,
    lastName: schemas.name,
    social: schemas.social,
  })
    .min(1)
    .label('UserUpdate'),
};

/** Loads `{userId}` (404 when missing) before any policy decides. */
const loadUser = {
  method: (request: Request) => getUser(request.server.app.db, request.params.userId as unknown as number),
  assign: 'user',
};

export const usersPlugin: Plugin<void> = {
  name: 'users',
  register(server) {
    const { db } = server.app;
    const tags = ['api', 'users'];

    server.route([
      {
        method: 'GET',
        path: '/profile',
        options: { description: 'The authenticated user', tags, response: { schema: schemas.user } },
        handler: (request) => getUser(db, request.auth.credentials.userId),
      },
      {
        method: 'GET',
        path: '/users',
        options: {
          description: 'List users (admin)',
          tags,
          validate: { query: Joi.object(listQuery) },
          pre: [isAdmin],
          response: { schema: Joi.array().items(schemas.user).label('Users') },
        },
        handler: (request) => listUsers(db, request.query as unknown as ListQuery),
      },
      {
        method: 'POST',
        path: '/users',
        options: {
          description: 'Create a user (admin); 409 when the email is taken',
          tags,
          validate: { payload: payloads.create },
          pre: [isAdmin],
          response: { status: { 201: schemas.user } },
        },
        handler: async (request, h) =>
          h.response(await createUser(db, request.payload as UserInput & { email: string })).code(201),
      },
      {
        method: 'GET',
        path: '/users/{userId}',
        options: {
          description: 'A user (self or admin)',
          tags,
          validate: { params: schemas.params },
          pre: [loadUser, isSelf],
          response: { schema: schemas.user },
        },
        handler: (request) => request.pre.user,
      },
      {
        method: 'PUT',
        path: '/users/{userId}',
        options: {
          description: 'Update a user (self or admin); isAdmin is not settable',
          tags,
          validate: { params: schemas.params, payload: payloads.update },
          pre: [loadUser, isSelf],
          response: { schema: schemas.user },
        },
        handler: (request) => updateUser(db, request.params.userId as unknown as number, request.payload as UserInput),
      },
      {
        method: 'DELETE',
        path: '/users/{userId}',
        options: {
          description: 'Delete a user with their tokens, enrollments, feedback and received results (self or admin)',
          tags,
          validate: { params: schemas.params },
          pre: [loadUser, isSelf],
        },
        handler: async (request, h) => {
          await deleteUser(db, request.params.userId as unknown as number);
          server.app.credentialsCache.evictUser(request.params.userId as unknown as number); // their tokens are gone
          return h.response().code(204);
        },
      },
    ]);
  },
};
