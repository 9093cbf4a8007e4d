// Authorization as small named policies, declared on routes as `pre` steps. They run after
// authentication (401) and validation (400); each loads what it needs (404) before deciding (403).
// Admins pass every policy. Path ids are numbers here: Joi validation converted them.
import Boom from '@hapi/boom';
import type { Request, RouteOptionsPreObject } from '@hapi/hapi';

export type Policy = RouteOptionsPreObject;

/** Builds a named policy: `check` returns true to allow; it may throw Boom.notFound first. */
export function policy(name: string, check: (request: Request) => boolean | Promise<boolean>): Policy {
  const method = async (request: Request) => {
    if (request.auth.credentials.isAdmin) {
      return true;
    }
    if (!(await check(request))) {
      throw Boom.forbidden(`Not allowed: ${name}`);
    }
    return true;
  };
  Object.defineProperty(method, 'name', { value: name });
  return { method, assign: `policy:${name}` };
}

export const isAdmin = policy('admin only', () => false);

/** The authenticated user is the `{userId}` of the path. */
export const isSelf = policy('only for yourself', (request) => request.auth.credentials.userId === (request.params.userId as unknown as number));

/** The authenticated user teaches the `{courseId}` of the path. */
export const teachesCourse = policy('teachers of the course only', (request) =>
  request.auth.credentials.teacherOf.includes(request.params.courseId as unknown as number),
);
