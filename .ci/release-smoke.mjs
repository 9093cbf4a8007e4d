#!/usr/bin/env node
// A smoke subset of the API over real HTTP, for a server started by .ci/release-rehearsal or
// .ci/previous-release-check: log in (the emailed token is read from the server's log, as without
// SENDGRID_API_KEY), create a course, read it, create a test, enroll a student, record a result and
// read it back as the student. Plain Node (no dependencies), so it runs against any release's slug.
//
//   node .ci/release-smoke.mjs --url http://127.0.0.1:PORT --log server.log [--expect-course ID]
//
// --expect-course: also read a course created earlier (e.g. by the previous release) and check that
// its test and result are still there; it reads them as the admin ADMIN_EMAIL below, which the server
// must list in ADMIN_EMAILS. Prints one JSON line with the ids it created.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: options } = parseArgs({
  options: { url: { type: 'string' }, log: { type: 'string' }, 'expect-course': { type: 'string' } },
});
if (!options.url || !options.log) {
  console.error('usage: release-smoke.mjs --url URL --log FILE [--expect-course ID]');
  process.exit(2);
}
const run = `${process.pid}-${Date.now()}`;
const ADMIN_EMAIL = 'release-admin@example.com';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function call(method, path, { token, body, expect }) {
  const response = await fetch(`${options.url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (response.status !== expect) {
    throw new Error(`${method} ${path}: expected ${expect}, got ${response.status} ${text.slice(0, 300)}`);
  }
  return text ? JSON.parse(text) : undefined;
}

// The log mailer writes one JSON line per login email with `to` and `emailToken`.
async function tokenFromLog(email) {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const lines = readFileSync(options.log, 'utf8').split('\n').reverse();
    for (const line of lines) {
      if (!line.includes(email)) continue;
      try {
        const entry = JSON.parse(line);
        // `kind` (login / emailChange) exists in newer releases only.
        if (entry.to === email && entry.emailToken && (entry.kind ?? 'login') === 'login') return entry.emailToken;
      } catch {
        // not a JSON log line
      }
    }
    await sleep(100);
  }
  throw new Error(`no login email for ${email} in ${options.log}`);
}

async function login(email) {
  await call('POST', '/login', { body: { email }, expect: 200 });
  const emailToken = await tokenFromLog(email);
  const { token } = await call('POST', '/authenticate', { body: { email, emailToken }, expect: 200 });
  return token;
}

const step = (name) => process.stderr.write(`  smoke: ${name}\n`);

step('log in a teacher and a student');
const teacher = await login(`smoke-teacher-${run}@example.com`);
const student = await login(`smoke-student-${run}@example.com`);
const { id: studentId } = await call('GET', '/profile', { token: student, expect: 200 });

step('create a course and read it');
const course = await call('POST', '/courses', {
  token: teacher,
  body: { name: `Smoke ${run}`, courseDetails: 'release smoke' },
  expect: 201,
});
const read = await call('GET', `/courses/${course.id}`, { token: student, expect: 200 });
if (read.name !== `Smoke ${run}`) throw new Error(`GET /courses/${course.id} returned ${JSON.stringify(read)}`);

step('create a test, enroll the student, record a result');
const test = await call('POST', `/courses/${course.id}/tests`, {
  token: teacher,
  body: { name: 'Smoke test', date: '2026-03-15T09:00:00.000Z' },
  expect: 201,
});
await call('POST', `/users/${studentId}/courses`, { token: student, body: { courseId: course.id, role: 'STUDENT' }, expect: 201 });
await call('POST', `/courses/tests/${test.id}/test-results`, { token: teacher, body: { result: 875, studentId }, expect: 201 });

step('read the results (as the student and as the teacher)');
const own = await call('GET', `/users/${studentId}/test-results`, { token: student, expect: 200 });
if (!own.some((row) => row.testId === test.id && row.result === 875)) {
  throw new Error(`the student's results lack the recorded one: ${JSON.stringify(own)}`);
}
const all = await call('GET', `/courses/tests/${test.id}/test-results`, { token: teacher, expect: 200 });
if (all.length !== 1 || all[0].result !== 875) throw new Error(`test results: ${JSON.stringify(all)}`);

if (options['expect-course']) {
  const id = Number(options['expect-course']);
  step(`read course ${id} and its result, created before this release (as ${ADMIN_EMAIL})`);
  const admin = await login(ADMIN_EMAIL);
  const earlier = await call('GET', `/courses/${id}`, { token: admin, expect: 200 });
  if (!earlier.name?.startsWith('Smoke ') || earlier.tests?.length !== 1) {
    throw new Error(`course ${id} did not come through: ${JSON.stringify(earlier)}`);
  }
  const results = await call('GET', `/courses/tests/${earlier.tests[0].id}/test-results`, { token: admin, expect: 200 });
  if (results.length !== 1 || results[0].result !== 875) throw new Error(`its results did not come through: ${JSON.stringify(results)}`);
}

console.log(JSON.stringify({ courseId: course.id, testId: test.id, studentId }));
