// Accounts: the caller's profile, and user management (admins, or users acting on themselves).
import type { Plugin } from "@hapi/hapi";
import Joi from "joi";
import { isAdmin, isSelf, userFromPath, type Pres } from "../auth/policies";
import { idParams, listQuery, text, type IdParams } from "../schemas/common";
import type { ListQuery } from "../services/types";
import {
  createUser,
  deleteUser,
  getUser,
  listUsers,
  updateUser,
  type NewUser,
  type UserInput,
} from "../services/users";

const name = text.trim().min(1).max(100).allow(null);
const social = Joi.object()
  .pattern(text.max(50), text.max(500))
  .max(20)
  .allow(null);
const email = text.trim().email({ tlds: false }).max(254);

const internals = {
  params: idParams("userId"),
  createPayload: Joi.object<NewUser, true>({
    email: email.required(),
    firstName: name,
    lastName: name,
    social,
  }).label("UserCreate"),
  updatePayload: Joi.object<UserInput, true>({
    email,
    firstName: name,
    lastName: name,
    social,
  })
    .min(1)
    .label("UserUpdate"),
  user: Joi.object({
    id: Joi.number().integer().required(),
    email: Joi.string().required(),
    firstName: Joi.string().allow(null),
    lastName: Joi.string().allow(null),
    social: Joi.object().unknown(true).allow(null),
    isAdmin: Joi.boolean().required(),
    createdAt: Joi.date().required(),
    updatedAt: Joi.date().required(),
  }).label("User"),
};

type UserRoute = { Params: IdParams<"userId">; Pres: Pres<"user"> };

export const usersPlugin: Plugin<void> = {
  name: "users",
  register(server) {
    const { db } = server.app;
    const tags = ["api", "users"];

    server.route({
      method: "GET",
      path: "/profile",
      options: {
        description: "The authenticated user",
        tags,
        response: { schema: internals.user },
      },
      handler: (request) => getUser(db, request.auth.credentials.userId),
    });
    server.route<{ Query: ListQuery }>({
      method: "GET",
      path: "/users",
      options: {
        description: "List users (admin)",
        tags,
        validate: { query: listQuery },
        pre: [isAdmin],
        response: { schema: Joi.array().items(internals.user).label("Users") },
      },
      handler: (request) => listUsers(db, request.query),
    });
    server.route<{ Payload: NewUser }>({
      method: "POST",
      path: "/users",
      options: {
        description: "Create a user (admin); 409 when the email is taken",
        tags,
        validate: { payload: internals.createPayload },
        pre: [isAdmin],
        response: { status: { 201: internals.user } },
      },
      handler: async (request, h) =>
        h.response(await createUser(db, request.payload)).code(201),
    });
    server.route<UserRoute>({
      method: "GET",
      path: "/users/{userId}",
      options: {
        description: "A user (self or admin)",
        tags,
        validate: { params: internals.params },
        pre: [userFromPath, isSelf],
        response: { schema: internals.user },
      },
      handler: (request) => request.pre.user,
    });
    server.route<UserRoute & { Payload: UserInput }>({
      method: "PUT",
      path: "/users/{userId}",
      options: {
        description: "Update a user (self or admin); isAdmin is not settable",
        tags,
        validate: {
          params: internals.params,
          payload: internals.updatePayload,
        },
        pre: [userFromPath, isSelf],
        response: { schema: internals.user },
      },
      handler: (request) =>
        updateUser(db, request.params.userId, request.payload),
    });
    server.route<UserRoute>({
      method: "DELETE",
      path: "/users/{userId}",
      options: {
        description:
          "Delete a user with their tokens, enrollments, feedback and received results (self or admin)",
        tags,
        validate: { params: internals.params },
        pre: [userFromPath, isSelf],
      },
      handler: async (request, h) => {
        await deleteUser(db, request.params.userId);
        server.app.credentialsCache.evictUser(request.params.userId); // their tokens are gone
        return h.response().code(204);
      },
    });
  },
};
