// Bulk grading: PUT /courses/tests/{testId}/test-results with a JSON array or a CSV body.
import { enroll, json, makeResult, makeTest, useWorld } from './helpers/fixtures';
import { createUser, type TestUser } from './helpers/users';

describe('bulk grading', () => {
  const ctx = useWorld();

  const put = (
    testId: number,
    payload: unknown,
    headers: Record<string, string> = ctx.w.teacher.headers,
    contentType = 'application/json',
  ) =>
    ctx.server.inject({
      method: 'PUT',
      url: `/courses/tests/${testId}/test-results`,
      headers: { ...headers, 'content-type': contentType },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
  const csv = (testId: number, body: string, headers?: Record<string, string>) => put(testId, body, headers, 'text/csv');

  async function students(n: number): Promise<TestUser[]> {
    const list: TestUser[] = [];
    for (let i = 0; i < n; i++) {
      list.push(await createUser(ctx.server));
    }
    for (const student of list) {
      await enroll(ctx.server, student.id, ctx.w.course);
    }
    return list;
  }

  const resultsOf = (testId: number) =>
    ctx.server.app.db.testResult.findMany({
      where: { testId },
      select: { studentId: true, result: true, graderId: true },
      orderBy: { studentId: 'asc' },
    });

  test('JSON: creates, updates (the caller becomes the grader) and leaves unchanged rows, and counts each', async () => {
    const test = await makeTest(ctx.server, ctx.w.course);
    const [a, b, c] = await students(3);
    await makeResult(ctx.server, test, a.id, 500, ctx.w.admin.id); // will be updated
    await makeResult(ctx.server, test, b.id, 600, ctx.w.admin.id); // same value: unchanged
    const res = await put(test, [
      { studentId: a.id, result: 550 },
      { studentId: b.id, result: 600 },
      { studentId: c.id, result: 1000 },
    ]);
    expect(res.statusCode).toBe(200);
    expect(json(res)).toEqual({ created: 1, updated: 1, unchanged: 1 });
    expect(await resultsOf(test)).toEqual([
      { studentId: a.id, result: 550, graderId: ctx.w.teacher.id },
      { studentId: b.id, result: 600, graderId: ctx.w.admin.id },
      { studentId: c.id, result: 1000, graderId: ctx.w.teacher.id },
    ]);
    const again = await put(test, [{ studentId: c.id, result: 1000 }]);
    expect(json(again)).toEqual({ created: 0, updated: 0, unchanged: 1 });
  });

  test('CSV by email: BOM, header and email case, quoting, CRLF and blank lines', async () => {
    const test = await makeTest(ctx.server, ctx.w.course);
    const [a, b] = await students(2);
    const body = `\ufeffEMAIL,Comment,Result\r\n${a.email.toUpperCase()},"late, but fine",875\r\n\r\n  ${b.email}  ,,0\r\n,,\r\n`;
    const res = await csv(test, body);
    expect(res.statusCode).toBe(200);
    expect(json(res)).toEqual({ created: 2, updated: 0, unchanged: 0 });
    expect((await resultsOf(test)).map((r) => [r.studentId, r.result])).toEqual([
      [a.id, 875],
      [b.id, 0],
    ]);
  });

  test('CSV by studentId; the content type may carry a charset', async () => {
    const test = await makeTest(ctx.server, ctx.w.course);
    const [a] = await students(1);
    const res = await put(test, `studentid,result\n${a.id},333\n`, undefined, 'text/csv; charset=utf-8');
    expect(json(res)).toEqual({ created: 1, updated: 0, unchanged: 0 });
  });

  test('all or nothing: every bad row once, with its first problem and its number; nothing is written', async () => {
    const test = await makeTest(ctx.server, ctx.w.course);
    const [a, b] = await students(2);
    const res = await put(test, [
      { studentId: a.id, result: 700 }, // 1: fine
      { studentId: ctx.w.outsider.id, result: 1001 }, // 2: result first
      { studentId: ctx.w.outsider.id, result: 500 }, // 3: not enrolled
      { studentId: ctx.w.teacher.id, result: 500 }, // 4: a TEACHER of the course
      { studentId: b.id, result: 87.5 }, // 5
      { studentId: a.id, result: 800 }, // 6: the same student as row 1
      { studentId: 2147483647, result: 5 }, // 7: nobody
      { studentId: '12', result: 5, extra: true }, // 8
      'not a row', // 9
      { studentId: b.id, result: '90' }, // 10: fine after conversion? no: a string is a problem
      { result: 5 }, // 11
    ]);
    expect(res.statusCode).toBe(400);
    const body = json(res);
    expect(body.message).toMatch(/10 bad row/);
    expect(body.rows.map((r: { row: number }) => r.row)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(body.rows[0].message).toMatch(/result/);
    expect(body.rows[1].message).toMatch(/not a student/);
    expect(body.rows[2].message).toMatch(/not a student/);
    expect(body.rows[3].message).toMatch(/result/);
    expect(body.rows[4].message).toMatch(/same student as row 1/);
    expect(body.rows[6].message).toMatch(/extra/);
    expect(body.rows[9].message).toMatch(/studentId/);
    expect(await resultsOf(test)).toEqual([]);
    expect(await ctx.server.app.db.testResultHistory.count({ where: { testId: test } })).toBe(0);
  });

  test('all or nothing in CSV: row numbers count data rows after the header, blank lines skipped', async () => {
    const test = await makeTest(ctx.server, ctx.w.course);
    const [a] = await students(1);
    const body = `email,result\n${a.email},900\n\nnobody@example.com,900\nnot-an-email,1\n${a.email.toUpperCase()},100\n${a.email},abc\nx@y.co\n`;
    const res = await csv(test, body);
    expect(res.statusCode).toBe(400);
    expect(json(res).rows).toEqual([
      { row: 2, message: expect.stringMatching(/nobody@example.com.*not a student/) },
      { row: 3, message: expect.stringMatching(/email/) },
      { row: 4, message: expect.stringMatching(/same student as row 1/) },
      { row: 5, message: expect.stringMatching(/result/) },
      { row: 6, message: expect.stringMatching(/fields/) },
    ]);
    expect(await resultsOf(test)).toEqual([]);
  });

  test.each([
    ['a header without result', 'studentId,grade\n1,2\n', /result/],
    ['both studentId and email', 'studentId,email,result\n1,a@b.co,2\n', /exactly one/],
    ['neither', 'name,result\nx,2\n', /exactly one/],
    ['no data rows', 'email,result\n\n', /1 to 1000/],
    ['an empty body', '', /empty/],
    ['an unclosed quote', 'email,result\n"a@b.co,2\n', /CSV cannot be read/],
    ['a column twice', 'result,email,RESULT\n1,a@b.co,2\n', /twice/],
  ])('CSV with %s → 400', async (_name, body, message) => {
    const res = await csv(ctx.w.test, body);
    expect(res.statusCode).toBe(400);
    expect(json(res).message).toMatch(message);
  });

  test('JSON bodies of the wrong shape → 400; more than 1000 rows → 400; other content types → 415', async () => {
    for (const [payload, message] of [
      [[], /1 to 1000/],
      [{ studentId: 1, result: 1 }, /array/],
      ['"text"', /array/],
      [Array.from({ length: 1001 }, (_, i) => ({ studentId: i + 1, result: 1 })), /more than 1000/],
    ] as const) {
      const res = await put(ctx.w.test, payload);
      expect(res.statusCode).toBe(400);
      expect(json(res).message).toMatch(message);
    }
    const rows = Array.from({ length: 1001 }, (_, i) => `${i + 1},1`).join('\n');
    expect(json(await csv(ctx.w.test, `studentId,result\n${rows}\n`)).message).toMatch(/1 to 1000.*1001/);
    expect((await put(ctx.w.test, 'studentId\tresult\n1\t1', undefined, 'text/plain')).statusCode).toBe(415);
  });

  test('1000 rows at once', async () => {
    const test = await makeTest(ctx.server, ctx.w.course);
    const { db } = ctx.server.app;
    const ids = await db.$queryRaw<Array<{ id: number }>>`
      INSERT INTO "users" ("email", "updatedAt") SELECT 'bulk-' || gen_random_uuid() || '@example.com', now() FROM generate_series(1, 1000) RETURNING "id"`;
    await db.courseEnrollment.createMany({ data: ids.map(({ id }) => ({ userId: id, courseId: ctx.w.course, role: 'STUDENT' as const })) });
    const res = await put(
      test,
      ids.map(({ id }, i) => ({ studentId: id, result: i % 1001 })),
    );
    expect(res.statusCode).toBe(200);
    expect(json(res)).toEqual({ created: 1000, updated: 0, unchanged: 0 });
    expect(await db.testResultHistory.count({ where: { testId: test } })).toBe(1000);
  });

  test('five concurrent bulk requests: all 200, one result per student, reported changes = history rows', async () => {
    const test = await makeTest(ctx.server, ctx.w.course);
    const class_ = await students(8);
    // Overlapping students, different values: each request is applied whole, one after the other.
    const bodies = [0, 1, 2, 3, 4].map((k) => class_.slice(k, k + 4).map((s, i) => ({ studentId: s.id, result: 100 * k + i })));
    const responses = await Promise.all(bodies.map((body) => put(test, body)));
    expect(responses.map((res) => res.statusCode)).toEqual([200, 200, 200, 200, 200]);
    const counts = responses.map(json);
    const changes = counts.reduce((sum: number, c: { created: number; updated: number }) => sum + c.created + c.updated, 0);
    expect(counts.reduce((sum: number, c: { created: number }) => sum + c.created, 0)).toBe(8);
    const { db } = ctx.server.app;
    expect(await db.testResultHistory.count({ where: { testId: test } })).toBe(changes);
    const rows = await resultsOf(test);
    expect(rows).toHaveLength(8);
    // Never half a request: the history of each request's rows is contiguous.
    const history = await db.testResultHistory.findMany({
      where: { testId: test },
      orderBy: { id: 'asc' },
      select: { studentId: true, newResult: true },
    });
    const requestOf = (entry: { newResult: number | null }) => Math.floor((entry.newResult as number) / 100);
    const order = history.map(requestOf).filter((k, i, all) => i === 0 || all[i - 1] !== k);
    expect(new Set(order).size).toBe(order.length);
  });

  test('401 → 400 → 404 → 403', async () => {
    const rows = [{ studentId: ctx.w.student.id, result: 1 }];
    expect((await ctx.server.inject({ method: 'PUT', url: `/courses/tests/${ctx.w.test}/test-results`, payload: rows })).statusCode).toBe(
      401,
    );
    for (const [testId, payload, caller, status, message] of [
      [2147483647, [], ctx.w.teacher, 400, /1 to 1000/],
      [2147483648, rows, ctx.w.teacher, 400, /^"testId" must be less than or equal to 2147483647$/],
      [2147483647, rows, ctx.w.student, 404, /^Test not found$/],
      [ctx.w.test, rows, ctx.w.student, 403, /^Not allowed: teachers of the course only$/],
      [ctx.w.test, rows, ctx.w.otherTeacher, 403, /^Not allowed: teachers of the course only$/],
    ] as const) {
      const res = await put(testId, payload, caller.headers);
      expect({ testId, status: res.statusCode }).toEqual({ testId, status });
      expect(json(res).message).toMatch(message);
    }
    const admin = await put(ctx.w.test, rows, ctx.w.admin.headers);
    expect(admin.statusCode).toBe(200);
    expect(json(admin)).toEqual({ created: 0, updated: 1, unchanged: 0 });
  });
});
