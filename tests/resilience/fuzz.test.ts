// Property-based fuzzing of every route on the server (issue 5), through server.inject against the
// real database. Generated params, queries, headers and bodies: wrong types, huge/negative/int32-
// overflowing numbers, unicode, very long strings, nested junk, missing and extra keys, malformed
// JSON, wrong content types and encodings; callers: admin, teacher, student, nobody, forged tokens.
//
// Invariants for every response: no 5xx; an error body is Boom-shaped JSON with the response's
// status; no body carries a stack trace, SQL or Prisma/PostgreSQL error text; and afterwards the
// server still answers GET / and GET /ready.
//
// A failure prints fast-check's shrunk counterexample (the request) and its seed. Re-run one with
// FUZZ_SEED=<seed> npm run test:resilience -- fuzz; FUZZ_RUNS=<total requests> scales the run.
import type { Server } from '@hapi/hapi';
import fc from 'fast-check';
import jwt from 'jsonwebtoken';
import { makeWorld, type World } from '../helpers/fixtures';
import { createTestServer } from '../helpers/server';
import { uniqueEmail } from '../helpers/users';

interface FuzzRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly payload?: string;
}

const internals = {
  totalRequests: Number(process.env.FUZZ_RUNS ?? 10_500),
  seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined,
  // Concurrent requests per property run: more load per second, and races between them.
  batch: 3,
  maxPayloadBytes: 100 * 1024,

  // Text that must never reach a client: stack frames, SQL, Prisma and PostgreSQL internals.
  leaks: [
    /\n\s+at\s/,
    /\bat\s+\S+\s+\(.*:\d+:\d+\)/,
    /node_modules|\/src\/|\.ts:\d+/,
    /prisma/i,
    /\bP[12]\d{3}\b/,
    /\b(SELECT|INSERT\s+INTO|UPDATE)\b[\s\S]*\b(FROM|VALUES|SET|WHERE)\b/,
    /duplicate key|violates|invalid input syntax|out of range for type|relation "|column "|syntax error at/i,
    /ECONNREFUSED|DriverAdapterError|QueryError/,
  ],

  /** encodeURIComponent, except that a lone surrogate becomes its (invalid UTF-8) bytes instead of throwing. */
  encodeSegment(segment: string): string {
    return segment
      .split(/(\p{Cs})/u)
      .map((part) => (/^\p{Cs}$/u.test(part) ? '%ED%A0%80' : encodeURIComponent(part)))
      .join('');
  },

  isDocs: (path: string) => path === '/documentation' || path === '/swagger.json' || path.startsWith('/swaggerui'),
};

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

const edgeNumbers = fc.constantFrom(
  0,
  -0,
  -1,
  1,
  2_147_483_647,
  2_147_483_648,
  -2_147_483_648,
  -2_147_483_649,
  4_294_967_296,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 2,
  1e20,
  1e308,
  -1e308,
  0.5,
  1.5,
  1e-7,
  999.9999999,
);

const nastyStrings = fc.constantFrom(
  '',
  ' ',
  '\t\n',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'a\udfffb',
  '\u202e\u0645\u0631\u062d\u0628\u0627',
  '💥🎓👩‍🏫',
  'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǫ̗͕̭',
  'null',
  'undefined',
  'true',
  'NaN',
  'Infinity',
  '-Infinity',
  '-0',
  '1e999',
  '0x10',
  '1_000',
  '١٢٣',
  "' OR 1=1 --",
  '1; DROP TABLE users',
  '"; --',
  '$1',
  '<script>alert(1)</script>',
  '{{7*7}}',
  '${jndi:ldap://x}',
  '../../etc/passwd',
  '%00',
  '%',
  '%zz',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'STUDENT',
  'TEACHER',
  'student',
  'ADMIN',
  '12345678',
  '1234567',
  '123456789',
  'a@b.co',
  'A@B.CO ',
  'x@y',
  '2026-01-15T09:00:00Z',
  '2026-02-30',
  '-271821-04-20T00:00:00.000Z',
  '+275760-09-13T00:00:00.000Z',
  '0001-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '1970-01-01',
  '2026-01-15T25:61:00Z',
  '-004713-11-24T00:00:00Z',
  '+010000-01-01T00:00:00Z',
);

const junkString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  // An ordinary text with one nasty piece inside: passes most schemas, then meets the database.
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 10 }),
        fc.constantFrom('\u0000', '\ud800', '\udfff', '\ufffe', '\u202e', "'", '\\', '%', '💥'),
        fc.string({ maxLength: 10 }),
      )
      .map((parts) => parts.join('')),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 4, arbitrary: nastyStrings },
  { weight: 1, arbitrary: fc.integer({ min: 190, max: 6000 }).map((n) => 'é'.repeat(n)) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom('a', '\u0000', '🎓', ' '), fc.integer({ min: 1, max: 60_000 })).map(([c, n]) => c.repeat(n)),
  },
);

function junkValue(ids: number[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 4, arbitrary: junkString },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 30 }) },
    { weight: 1, arbitrary: fc.integer({ min: -5, max: 1100 }) },
    { weight: 2, arbitrary: edgeNumbers },
    { weight: 2, arbitrary: fc.constantFrom(...ids) },
    { weight: 1, arbitrary: fc.integer() },
    { weight: 1, arbitrary: fc.double() },
    { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}, [1, 2], { $gt: 0 }, { set: 1 }, { connect: { id: 1 } }) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    {
      weight: 1,
      arbitrary: fc.dictionary(
        junkString.map((k) => k.slice(0, 60)),
        junkString,
        { maxKeys: 3 },
      ),
    },
    { weight: 1, arbitrary: fc.constant(undefined) }, // dropped by JSON.stringify: a missing key
  );
}

const fieldNames = [
  'email',
  'emailToken',
  'firstName',
  'lastName',
  'social',
  'name',
  'courseDetails',
  'date',
  'courseId',
  'role',
  'result',
  'studentId',
  'feedback',
  'isAdmin',
  'id',
  'userId',
  'graderId',
  'testId',
  'createdAt',
];

/** A route's valid payload: the fuzzer mutates, drops and adds keys to it to get past validation. */
function template(method: string, path: string, w: World): Record<string, unknown> | undefined {
  const key = `${method} ${path}`;
  const templates: Record<string, () => Record<string, unknown>> = {
    'post /login': () => ({ email: uniqueEmail('fuzz') }),
    'post /authenticate': () => ({ email: w.student.email, emailToken: '12345678' }),
    'post /users': () => ({ firstName: 'Fuzz', lastName: 'User', email: uniqueEmail('fuzz'), social: { site: 'x' } }),
    'put /users/{userId}': () => ({ firstName: 'Renamed', social: { github: 'fuzz' } }),
    'post /users/{userId}/email-confirmation': () => ({ emailToken: '12345678' }),
    'post /users/{userId}/courses': () => ({ courseId: w.course, role: 'STUDENT' }),
    'post /courses': () => ({ name: 'Fuzz course', courseDetails: 'Details' }),
    'put /courses/{courseId}': () => ({ name: 'Renamed', courseDetails: 'Changed' }),
    'post /courses/{courseId}/tests': () => ({ name: 'Quiz', date: '2026-03-01T10:00:00Z' }),
    'put /courses/tests/{testId}': () => ({ name: 'Renamed', date: '2026-03-02T10:00:00Z' }),
    'post /courses/tests/{testId}/test-results': () => ({ result: 500, studentId: w.student2.id }),
    'put /courses/tests/test-results/{testResultId}': () => ({ result: 900 }),
    'post /courses/{courseId}/feedback': () => ({ feedback: 'Nice' }),
  };
  return templates[key]?.();
}

function payloadArb(method: string, path: string, w: World, ids: number[]): fc.Arbitrary<string | undefined> {
  const value = junkValue(ids);
  const base = template(method, path, w);
  const ownKeys = Object.keys(base ?? { email: 1 });
  // Mostly the route's own fields (to get past validation and reach the database), sometimes others.
  const extra = fc.oneof(
    { weight: 1, arbitrary: fc.constant({}) },
    {
      weight: 5,
      arbitrary: fc.dictionary(
        fc.oneof(
          { weight: 6, arbitrary: fc.constantFrom(...ownKeys) },
          { weight: 2, arbitrary: fc.constantFrom(...fieldNames) },
          { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
        ),
        value,
        { minKeys: 1, maxKeys: 2 },
      ),
    },
  );
  const object: fc.Arbitrary<unknown> = fc
    .tuple(
      fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      extra,
      fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.subarray(ownKeys) }),
    )
    .map(([useTemplate, overrides, dropped]) => {
      if (!useTemplate || !base) {
        return overrides;
      }
      const out: Record<string, unknown> = { ...base, ...overrides };
      dropped.forEach((k) => delete out[k]);
      return out;
    });
  const nested = fc.integer({ min: 1, max: 40_000 });
  const raw = fc.oneof(
    fc.constantFrom(
      '{',
      '{"a":',
      'nul',
      '[1,2',
      '',
      ' ',
      '"str"',
      '123',
      '-1e999',
      'null',
      'true',
      '[]',
      '{}',
      '{"__proto__":{"isAdmin":true}}',
      '{"constructor":{"prototype":{"isAdmin":true}}}',
      '{"email":"a@b.co","email":"c@d.co"}',
      '\u0000',
      '\ufeff{}',
      '{"name":"\\u0000","courseDetails":"\\ud800"}',
      '{"social":{"a":"\\u0000"}}',
    ),
    junkString,
    nested.map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
    nested.map((depth) => '{"social":'.repeat(depth) + '1' + '}'.repeat(depth)),
    fc
      .integer({ min: internals.maxPayloadBytes - 64, max: internals.maxPayloadBytes + 4096 })
      .map((n) => JSON.stringify({ name: 'x'.repeat(n) })),
  );
  // Bulk grading takes an array (or CSV): rows of real students, junk values, CSV-looking text.
  const bulk =
    method === 'put' && path === '/courses/tests/{testId}/test-results' ? [{ weight: 12, arbitrary: bulkRowsArb(w, value) }] : [];
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 5, arbitrary: object.map((o) => JSON.stringify(o) ?? '') },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
    { weight: 2, arbitrary: raw },
    ...bulk,
  );
}

function bulkRowsArb(w: World, value: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  const row = fc.record({
    studentId: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(w.student.id, w.student2.id) }, { weight: 1, arbitrary: value }),
    result: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 1000 }) }, { weight: 1, arbitrary: value }),
  });
  const csv = fc
    .tuple(
      fc.constantFrom('studentId,result', 'EMAIL,Result', '\ufeffemail,result', 'result', 'studentId,email,result'),
      fc.array(junkString, { maxLength: 4 }),
    )
    .map(([header, lines]) => [header, `${w.student.email},900`, ...lines].join('\n'));
  // Mostly distinct students (a repeated one is a bad row), so that whole requests get through.
  const rows = fc.uniqueArray(row, { minLength: 1, maxLength: 3, selector: (r) => JSON.stringify(r.studentId) });
  return fc.oneof({ weight: 3, arbitrary: rows.map((list) => JSON.stringify(list)) }, { weight: 1, arbitrary: csv });
}

function idArb(valid: number[], ids: number[]): fc.Arbitrary<string> {
  return fc
    .oneof(
      { weight: 8, arbitrary: fc.constantFrom(...valid).map(String) },
      { weight: 2, arbitrary: fc.constantFrom(...ids).map(String) },
      { weight: 2, arbitrary: fc.integer().map(String) },
      { weight: 2, arbitrary: edgeNumbers.map(String) },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          '1.5',
          '1e3',
          '1e400',
          '0x10',
          ' 1',
          '+1',
          '01',
          '1,2',
          'abc',
          '-0',
          '9'.repeat(400),
          'Infinity',
          'NaN',
          '',
        ),
      },
      { weight: 2, arbitrary: junkString.map((s) => s.slice(0, 3000)) },
    )
    .map(internals.encodeSegment);
}

function queryArb(): fc.Arbitrary<string> {
  const value = fc.oneof(
    fc.constantFrom('1', '100', '101', '0', '-1', '2147483647', '2147483648', '1.5', '1e2', 'abc', '', 'zero', 'ZERO'),
    edgeNumbers.map(String),
    junkString.map((s) => s.slice(0, 2000)),
  );
  return fc
    .dictionary(
      fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom('take', 'skip', 'missing', 'studentId') },
        { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
      ),
      fc.oneof(value, fc.array(value, { minLength: 2, maxLength: 3 })),
      {
        maxKeys: 3,
      },
    )
    .map((query) => {
      const params = new URLSearchParams();
      for (const [key, v] of Object.entries(query)) {
        (Array.isArray(v) ? v : [v]).forEach((item) => params.append(key, item));
      }
      const text = params.toString();
      return text ? `?${text}` : '';
    });
}

function authArb(w: World, secret: string): fc.Arbitrary<string | undefined> {
  const sign = (payload: object, key = secret, options: jwt.SignOptions = {}) => jwt.sign(payload, key, { algorithm: 'HS256', ...options });
  return fc.oneof(
    { weight: 5, arbitrary: fc.constant(w.admin.headers.authorization) },
    { weight: 4, arbitrary: fc.constantFrom(w.teacher.headers.authorization, w.student.headers.authorization, w.teacher.jwt) },
    { weight: 2, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: junkString.map((s) => s.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?')) },
    { weight: 1, arbitrary: junkValue([1]).map((tokenId) => `Bearer ${sign({ tokenId })}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        `Bearer ${sign({ tokenId: 1 }, 'a-wrong-secret-that-is-long-enough-000')}`,
        `Bearer ${sign({ tokenId: 1 }, secret, { expiresIn: -10 })}`,
        `${jwt.sign({ tokenId: 1 }, '', { algorithm: 'none' } as jwt.SignOptions)}`,
        'Bearer',
        'Bearer ',
        'Bearer a.b.c',
        'Basic dXNlcjpwYXNz',
        `Bearer ${w.admin.jwt} ${w.admin.jwt}`,
        'a.b',
        '....',
      ),
    },
  );
}

const contentTypes = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=xyz',
  'application/xml',
  'application/octet-stream',
  'text/csv',
  'text/csv; charset=utf-8',
  'TEXT/CSV',
  'garbage/;;;',
  'application/*',
  '*/*',
  'application/merge-patch+json',
);

/** Ids that exist, by path parameter: most generated ids hit real rows, to get past the 404s. */
function validIds(param: string, w: World): number[] {
  const byName: Record<string, number[]> = {
    userId: [w.admin.id, w.teacher.id, w.student.id, w.student2.id, w.outsider.id],
    courseId: [w.course, w.otherCourse],
    testId: [w.test],
    testResultId: [w.result],
  };
  return byName[param] ?? [1];
}

function requestArb(method: string, path: string, w: World, ids: number[], secret: string): fc.Arbitrary<FuzzRequest> {
  const names = [...path.matchAll(/\{(\w+)\*?\}/g)];
  const params = names.map((m) => m[0]);
  const hasBody = method !== 'get';
  return fc
    .record({
      method: fc.oneof(
        { weight: 12, arbitrary: fc.constant(method.toUpperCase()) },
        { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD') },
      ),
      params: fc.tuple(...names.map((m) => idArb(validIds(m[1], w), ids))),
      query: fc.oneof({ weight: 2, arbitrary: fc.constant('') }, { weight: 1, arbitrary: queryArb() }),
      authorization: authArb(w, secret),
      payload: hasBody
        ? payloadArb(method, path, w, ids)
        : fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: payloadArb(method, path, w, ids) }),
      contentType: fc.oneof(
        { weight: 5, arbitrary: fc.constant('application/json') },
        { weight: 2, arbitrary: fc.constant(undefined) },
        { weight: 2, arbitrary: contentTypes },
      ),
      contentEncoding: fc.oneof(
        { weight: 8, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-junk') },
      ),
      accept: fc.oneof(
        { weight: 4, arbitrary: fc.constant(undefined) },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            'text/csv',
            'text/csv;q=0.9, application/json;q=NaN',
            'text/csv;q=1e999',
            '*/*',
            'application/xml',
            ';;;,',
            'text/csv;q=-1',
          ),
        },
      ),
    })
    .map(({ method: m, params: values, query, authorization, payload, contentType, contentEncoding, accept }) => {
      let url = path;
      params.forEach((param, i) => {
        url = url.replace(param, values[i]);
      });
      const headers: Record<string, string> = {};
      if (authorization !== undefined) headers.authorization = authorization;
      if (contentType !== undefined && payload !== undefined) headers['content-type'] = contentType;
      if (contentEncoding !== undefined && payload !== undefined) headers['content-encoding'] = contentEncoding;
      if (accept !== undefined) headers.accept = accept;
      return { method: m, url: url + query, headers, ...(payload !== undefined ? { payload } : {}) };
    });
}

// ---------------------------------------------------------------------------------------------
// The invariant
// ---------------------------------------------------------------------------------------------

function describeRequest(req: FuzzRequest): string {
  const payload = req.payload && req.payload.length > 300 ? `${req.payload.slice(0, 300)}… (${req.payload.length} chars)` : req.payload;
  return JSON.stringify({ ...req, url: req.url.length > 300 ? `${req.url.slice(0, 300)}…` : req.url, payload });
}

function checkResponse(
  req: FuzzRequest,
  res: { statusCode: number; payload: string; headers: Record<string, unknown> },
  docsRoute: boolean,
): void {
  const fail = (why: string) => {
    throw new Error(`${why}\n  request: ${describeRequest(req)}\n  response: ${res.statusCode} ${res.payload.slice(0, 500)}`);
  };
  if (res.statusCode >= 500) {
    fail(`server error ${res.statusCode}`);
  }
  if (res.statusCode >= 400 && req.method !== 'HEAD') {
    let body: { statusCode?: unknown; error?: unknown; message?: unknown };
    try {
      body = JSON.parse(res.payload);
    } catch {
      return fail('error body is not JSON');
    }
    if (body?.statusCode !== res.statusCode || typeof body.error !== 'string' || typeof body.message !== 'string') {
      fail('error body is not Boom-shaped');
    }
    if (!String(res.headers['content-type'] ?? '').startsWith('application/json')) {
      fail('error is not application/json');
    }
  }
  if (!docsRoute || res.statusCode >= 400) {
    const leak = internals.leaks.find((pattern) => pattern.test(res.payload));
    if (leak) {
      fail(`body leaks internals (${leak})`);
    }
  }
}

// ---------------------------------------------------------------------------------------------

describe('fuzzing every route (fast-check)', () => {
  let server: Server;
  let routes: Array<{ method: string; path: string }>;
  let sent = 0;
  const statuses = new Map<string, Map<number, number>>();
  const tally = (route: string, status: number) => {
    const counts = statuses.get(route) ?? new Map<number, number>();
    counts.set(status, (counts.get(status) ?? 0) + 1);
    statuses.set(route, counts);
  };

  beforeAll(async () => {
    server = await createTestServer();
    routes = server
      .table()
      .map((route) => ({ method: route.method, path: route.path }))
      .sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`));
  });

  afterAll(async () => {
    await server?.stop();
  });

  test('its route list is the live server table, public, auth and docs routes included', () => {
    const keys = routes.map((route) => `${route.method.toUpperCase()} ${route.path}`);
    // The list comes from server.table(); the main test checks that each of them was fuzzed. These
    // are the routes that would be easiest to lose (no auth, or registered by another plugin).
    for (const key of [
      'GET /',
      'GET /ready',
      'POST /login',
      'POST /authenticate',
      'DELETE /users/{userId}',
      'POST /courses/tests/{testId}/test-results',
      'GET /courses/{courseId}/gradebook',
      'GET /documentation',
      'GET /swagger.json',
    ]) {
      expect(keys).toContain(key);
    }
    expect(routes.length).toBeGreaterThanOrEqual(33);
  });

  test(`${internals.totalRequests}+ generated requests: no 5xx, Boom-shaped errors, nothing leaks`, async () => {
    // Static documentation assets get a few runs each; the API routes share the rest.
    const assets = routes.filter((route) => route.path.startsWith('/swaggerui')).length;
    const assetRuns = 10;
    const runsPerRoute = Math.ceil((internals.totalRequests / internals.batch - assets * assetRuns) / (routes.length - assets));
    const started = Date.now();
    for (const route of routes) {
      // A fresh small school per route: deletes and logouts of one route do not starve the next.
      const w = await makeWorld(server);
      const ids = [w.admin.id, w.teacher.id, w.student.id, w.student2.id, w.outsider.id, w.course, w.otherCourse, w.test, w.result];
      const docsRoute = internals.isDocs(route.path);
      const name = `${route.method.toUpperCase()} ${route.path}`;
      const arb = fc.array(requestArb(route.method, route.path, w, ids, server.app.config.jwtSecret), {
        minLength: internals.batch,
        maxLength: internals.batch,
      });
      await fc.assert(
        fc.asyncProperty(arb, async (batch) => {
          const responses = await Promise.all(batch.map((req) => server.inject(req)));
          sent += batch.length;
          responses.forEach((res) => tally(name, res.statusCode));
          responses.forEach((res, i) => checkResponse(batch[i], res, docsRoute));
        }),
        { numRuns: route.path.startsWith('/swaggerui') ? assetRuns : runsPerRoute, seed: internals.seed },
      );
    }
    const summary = [...statuses].map(
      ([route, counts]) =>
        `  ${route}: ${[...counts]
          .sort(([a], [b]) => a - b)
          .map(([code, n]) => `${code}×${n}`)
          .join(' ')}`,
    );
    process.stdout.write(
      `fuzz: ${sent} requests over ${routes.length} routes in ${((Date.now() - started) / 1000).toFixed(1)} s\n${summary.join('\n')}\n`,
    );
    expect(sent).toBeGreaterThanOrEqual(internals.totalRequests);
    // Every route of the server table received generated requests (not a sample).
    expect([...statuses.keys()].sort()).toEqual(routes.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort());
    // The generators must reach the handlers and the database, not only bounce off validation:
    // every API route except those that need a mailed token answered 2xx at least once.
    const reached = [...statuses].filter(([, counts]) => [...counts.keys()].some((code) => code < 300)).map(([route]) => route);
    // The old /swagger.json address only redirects (301).
    const apiRoutes = routes
      .map((r) => `${r.method.toUpperCase()} ${r.path}`)
      .filter(
        (r) =>
          !r.includes('/swaggerui') &&
          r !== 'POST /authenticate' &&
          r !== 'POST /users/{userId}/email-confirmation' &&
          r !== 'GET /swagger.json',
      );
    expect(apiRoutes.filter((route) => !reached.includes(route))).toEqual([]);
  }, 300_000);

  test('the server still answers afterwards', async () => {
    expect(sent).toBeGreaterThan(0);
    const live = await server.inject('/');
    expect(live.statusCode).toBe(200);
    expect(JSON.parse(live.payload)).toEqual({ up: true });
    const ready = await server.inject('/ready');
    expect(ready.statusCode).toBe(200);
  });
});
