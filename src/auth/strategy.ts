// JWT authentication (hapi-auth-jwt2), the default for every route that does not say `auth: false`.
// Each request checks the stored API token the JWT points at and loads, in one SQL statement,
// everything the authorization policies need.
import type { Plugin } from '@hapi/hapi';
import hapiAuthJwt2 from 'hapi-auth-jwt2';
import type { Db } from '../db/prisma';
import type { JwtPayload } from './tokens';

export interface Credentials {
  readonly userId: number;
  readonly tokenId: number;
  readonly isAdmin: boolean;
  /** Ids of the courses this user is a TEACHER of. */
  readonly teacherOf: readonly number[];
}

declare module '@hapi/hapi' {
  interface AuthCredentials extends Credentials {}
}

const internals = {
  async loadCredentials(db: Db, tokenId: number): Promise<Credentials | undefined> {
    // One statement on the hot path: token validity, the user and the courses they teach.
    const rows = await db.$queryRaw<Array<{ userId: number; isAdmin: boolean; teacherOf: number[] }>>`
      SELECT u."id" AS "userId", u."isAdmin",
             COALESCE(array_agg(e."courseId") FILTER (WHERE e."courseId" IS NOT NULL), '{}') AS "teacherOf"
      FROM "tokens" t
      JOIN "users" u ON u."id" = t."userId"
      LEFT JOIN "course_enrollments" e ON e."userId" = u."id" AND e."role" = 'TEACHER'
      WHERE t."id" = ${tokenId} AND t."type" = 'API' AND t."valid" AND t."expiration" > now()
      GROUP BY u."id"`;
    const row = rows[0];
    return row && { userId: row.userId, tokenId, isAdmin: row.isAdmin, teacherOf: row.teacherOf };
  },

  isPayload(decoded: unknown): decoded is JwtPayload {
    const tokenId = (decoded as Partial<JwtPayload> | null)?.tokenId;
    return Number.isInteger(tokenId) && (tokenId as number) > 0 && (tokenId as number) <= 2_147_483_647;
  },
};

export const authStrategyPlugin: Plugin<void> = {
  name: 'auth-strategy',
  dependencies: [],
  async register(server) {
    await server.register(hapiAuthJwt2);
    const { db, config } = server.app;
    server.auth.strategy('jwt', 'jwt', {
      key: config.jwtSecret,
      verifyOptions: { algorithms: ['HS256'] },
      async validate(decoded: unknown) {
        if (!internals.isPayload(decoded)) {
          return { isValid: false };
        }
        const credentials = await internals.loadCredentials(db, decoded.tokenId);
        return credentials ? { isValid: true, credentials } : { isValid: false };
      },
    });
    server.auth.default('jwt');
  },
};
