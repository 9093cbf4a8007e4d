// The benchmark's yardstick: the fastest straightforward bare implementation of GET /courses/{id}.
// Hapi + a `pg` pool, the JWT key built once as a KeyObject, no ORM, no credentials cache, no
// validation library, no logging, no plugins. Per request: verify the JWT, look up its API token
// (the project's credential statement), then the course with its tests (one statement). Same
// database, same JWTs as the project.
// Run: node --import tsx bench/baseline.ts   (env: DATABASE_URL, PORT, JWT_SECRET, DB_POOL_SIZE)
import Hapi from '@hapi/hapi';
import { createSecretKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { Pool } from 'pg';
import { COURSE_COLUMNS, sqlColumns, sqlJsonFields, TEST_COLUMNS } from '../src/services/columns';

const env = process.env;
const pool = new Pool({ connectionString: env.DATABASE_URL, max: Number(env.DB_POOL_SIZE ?? 10) });
const key = createSecretKey(Buffer.from(env.JWT_SECRET as string, 'utf8'));

const TOKEN_SQL = `
  SELECT u."id" AS "userId", u."isAdmin",
         COALESCE(array_agg(e."courseId") FILTER (WHERE e."courseId" IS NOT NULL), '{}') AS "teacherOf"
  FROM "tokens" t
  JOIN "users" u ON u."id" = t."userId"
  LEFT JOIN "course_enrollments" e ON e."userId" = u."id" AND e."role" = 'TEACHER'
  WHERE t."id" = $1 AND t."type" = 'API' AND t."valid" AND t."expiration" > now()
  GROUP BY u."id"`;

// The same columns as the project's course read (src/services/columns.ts).
const COURSE_SQL = `
  SELECT ${sqlColumns('c', COURSE_COLUMNS)},
         COALESCE((SELECT json_agg(json_build_object(${sqlJsonFields('t', TEST_COLUMNS)}) ORDER BY t."id")
                   FROM "tests" t WHERE t."courseId" = c."id"), '[]'::json) AS "tests"
  FROM "courses" c WHERE c."id" = $1`;

async function main(): Promise<void> {
  const server = Hapi.server({ port: Number(env.PORT ?? 3100), host: '127.0.0.1', debug: false });
  server.route({
    method: 'GET',
    path: '/courses/{courseId}',
    async handler(request, h) {
      const header = request.headers.authorization;
      const raw = typeof header === 'string' ? header.replace(/^Bearer\s+/i, '') : '';
      let tokenId: number;
      try {
        tokenId = (jwt.verify(raw, key, { algorithms: ['HS256'] }) as { tokenId: number }).tokenId;
      } catch {
        return h.response({ statusCode: 401, error: 'Unauthorized', message: 'Invalid token' }).code(401);
      }
      const id = Number(request.params.courseId);
      if (!Number.isInteger(id) || id < 1 || id > 2_147_483_647) {
        return h.response({ statusCode: 400, error: 'Bad Request', message: '"courseId" must be a positive integer' }).code(400);
      }
      const auth = await pool.query(TOKEN_SQL, [tokenId]);
      if (!auth.rowCount) {
        return h.response({ statusCode: 401, error: 'Unauthorized', message: 'Invalid token' }).code(401);
      }
      const { rows } = await pool.query<Record<string, unknown>>(COURSE_SQL, [id]);
      if (!rows[0]) {
        return h.response({ statusCode: 404, error: 'Not Found', message: `Course ${id} does not exist` }).code(404);
      }
      return rows[0];
    },
  });
  await server.start();
  process.stdout.write(`baseline listening on ${server.info.uri}\n`);
  const stop = async () => {
    await server.stop({ timeout: 2000 });
    await pool.end();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((err) => {
  process.stderr.write(`baseline failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
