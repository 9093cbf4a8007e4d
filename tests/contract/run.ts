// npm run test:contract: Dredd, an HTTP contract runner nobody here wrote, replays every documented
// success response of the served OpenAPI document against a real server over HTTP and checks status,
// headers and body. This script only provides what Dredd cannot invent: a database, a listening
// server, and fixtures (users with JWTs, a course with a test and results, throw-away rows for the
// DELETE routes, a pending email change, an email token). tests/contract/hooks.js puts them into
// the requests; it changes nothing in the answers.
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/db/embedded';
import { createServer } from '../../src/server';
import { createEmailToken } from '../../src/services/auth';
import { requestEmailChange } from '../../src/services/users';
import { enroll, makeCourse, makeResult, makeTest } from '../helpers/fixtures';
import { testConfig } from '../helpers/server';
import { createUser, createUsers, uniqueEmail } from '../helpers/users';
import { createTestDatabase } from '../setup/test-database';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Dredd = require('dredd');

interface DreddStats {
  tests: number;
  failures: number;
  errors: number;
  passes: number;
  skipped: number;
}

async function main(): Promise<number> {
  const database = await createTestDatabase(process.env.DATABASE_URL || undefined);
  const port = await freePort();
  const config = { ...testConfig({ DATABASE_URL: database.url }), host: '127.0.0.1', port };
  const server = await createServer(config);
  await server.start();
  try {
    const fixtures = await createFixtures(server);
    const fixturesFile = path.join(os.tmpdir(), `grading-contract-${process.pid}.json`);
    await writeFile(fixturesFile, JSON.stringify(fixtures));
    process.env.CONTRACT_FIXTURES = fixturesFile;
    // The document the running server serves, fetched once over HTTP and handed to Dredd as a file
    // (Dredd's own fetch left a kept-alive socket that its first transaction then failed on).
    const served = await fetch(`${server.info.uri}/openapi.json`);
    if (!served.ok) {
      throw new Error(`GET /openapi.json answered ${served.status}`);
    }
    const specFile = path.join(os.tmpdir(), `grading-contract-${process.pid}-openapi.json`);
    await writeFile(specFile, await served.text());

    const stats = await new Promise<DreddStats>((resolve, reject) => {
      new Dredd({
        endpoint: server.info.uri,
        path: [specFile],
        hookfiles: [path.join(__dirname, 'hooks.js')],
        reporter: [],
        loglevel: process.env.DREDD_LOGLEVEL ?? 'error', // 'warning' lists the parser's notes on x- keys
      }).run((err: Error | null, result: DreddStats) => (err ? reject(err) : resolve(result)));
    });
    process.stdout.write(
      `contract: ${stats.tests} transactions: ${stats.passes} passed, ${stats.failures} failed, ${stats.errors} errors, ${stats.skipped} skipped (documented error responses)\n`,
    );
    // Every documented success must pass; hooks.js skips only the error responses (4xx/5xx).
    return stats.passes > 0 && stats.failures === 0 && stats.errors === 0 ? 0 : 1;
  } finally {
    await server.stop();
    await database.drop();
  }
}

/** Rows the documented requests need. Each destructive request gets rows of its own. */
async function createFixtures(server: Awaited<ReturnType<typeof createServer>>) {
  const { db, config } = server.app;
  const [admin, [teacher, student, student2, outsider, userToDelete, leaver, loggingOut, emailChanger, resultHolder]] = await Promise.all([
    createUser(server, { isAdmin: true }),
    createUsers(server, 9),
  ]);
  const course = await makeCourse(server, teacher, 'Contract course');
  const courseToDelete = await makeCourse(server, teacher, 'Course to delete');
  await Promise.all([
    enroll(server, student.id, course),
    enroll(server, student2.id, course),
    enroll(server, leaver.id, course),
    enroll(server, resultHolder.id, course),
  ]);
  const test = await makeTest(server, course, 'Contract test');
  const testToDelete = await makeTest(server, course, 'Test to delete');
  const result = await makeResult(server, test, student.id, 800, teacher.id);
  const resultToDelete = await makeResult(server, test, resultHolder.id, 700, teacher.id);

  // The emailed tokens, as the recipient would read them.
  const loginEmail = uniqueEmail('contract-login');
  const { emailToken: loginToken } = await createEmailToken(db, config.jwtSecret, loginEmail);
  let emailChangeToken = '';
  await requestEmailChange(db, config.jwtSecret, emailChanger.id, { email: uniqueEmail('contract-new') }, async (_to, token) => {
    emailChangeToken = token;
  });

  const jwt = (user: { jwt: string }) => user.jwt;
  return {
    jwt: { admin: jwt(admin), teacher: jwt(teacher), student: jwt(student), loggingOut: jwt(loggingOut), emailChanger: jwt(emailChanger) },
    ids: {
      admin: admin.id,
      student: student.id,
      student2: student2.id,
      outsider: outsider.id,
      userToDelete: userToDelete.id,
      leaver: leaver.id,
      emailChanger: emailChanger.id,
      course,
      courseToDelete,
      test,
      testToDelete,
      result,
      resultToDelete,
    },
    login: { email: loginEmail, emailToken: loginToken },
    emailChangeToken,
    newUserEmail: uniqueEmail('contract-created'),
  };
}

main()
  .then((code) => process.exit(code))
  .catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
