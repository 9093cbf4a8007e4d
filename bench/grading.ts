// The grading workflow's scenarios of `npm run bench` (called from bench/run.ts once its own phases
// are done, on the same seeded database and running API):
//   - GET /courses/{id}/grades for 200 students × 20 weighted tests, every result recorded (autocannon);
//   - PUT /courses/tests/{id}/test-results with 1000 rows: JSON by studentId and CSV by email, one
//     request at a time, alternating values so that every request writes all 1000 rows.
// Prints p50/p99 next to the targets (grades p50 < 50 ms, a 1000-row upload < 1 s) with the load
// average, and writes bench-results/grading-<label>.json.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import type { Client } from 'pg';

export interface GradingBenchContext {
  readonly sql: Client;
  readonly apiUrl: string;
  /** Logs a seeded user in through /login + /authenticate (a fresh token: it sees courses created since). */
  readonly login: (userId: number) => Promise<{ headers: Record<string, string> }>;
  readonly teacherId: number;
  readonly smoke: boolean;
  readonly resultsDir: string;
  readonly label: string;
}

interface Measured {
  readonly scenario: string;
  readonly requests: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly target: string;
  readonly met: boolean;
}

const internals = {
  gradesStudents: 200,
  gradesTests: 20,
  bulkRows: 1000,

  percentile(sorted: number[], p: number): number {
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
  },

  /** A course taught by the bench teacher with `students` seeded users (from user 2) as STUDENTs. */
  async course(sql: Client, teacherId: number, name: string, firstStudent: number, students: number): Promise<number> {
    const { rows } = await sql.query<{ id: number }>(
      `INSERT INTO "courses" ("name", "courseDetails", "updatedAt") VALUES ($1, 'grading bench', now()) RETURNING "id"`,
      [name],
    );
    const courseId = rows[0].id;
    await sql.query(`INSERT INTO "course_enrollments" ("userId", "courseId", "role") VALUES ($1, $2, 'TEACHER')`, [teacherId, courseId]);
    await sql.query(
      `INSERT INTO "course_enrollments" ("userId", "courseId", "role")
       SELECT u, $1::int, 'STUDENT' FROM generate_series($2::int, $2::int + $3::int - 1) u WHERE u <> $4::int`,
      [courseId, firstStudent, students, teacherId],
    );
    return courseId;
  },

  async seed(sql: Client, teacherId: number) {
    // Grades: 20 past-dated tests of weights 1–4 (one of weight 0), every student graded on 18 of them.
    const gradesCourse = await internals.course(sql, teacherId, 'Bench: final grades', 2, internals.gradesStudents);
    await sql.query(
      `INSERT INTO "tests" ("name", "date", "weight", "courseId", "updatedAt")
       SELECT 'Graded ' || k, timestamp '2026-01-05 09:00' + k * interval '2 days', CASE WHEN k = 1 THEN 0 ELSE 1 + k % 4 END, $1::int, now()
       FROM generate_series(1, $2::int) k`,
      [gradesCourse, internals.gradesTests],
    );
    await sql.query(
      `INSERT INTO "test_results" ("result", "testId", "studentId", "graderId", "updatedAt")
       SELECT (t."id" * 7919 + e."userId" * 104729) % 1001, t."id", e."userId", $2::int, now()
       FROM "tests" t JOIN "course_enrollments" e ON e."courseId" = t."courseId" AND e."role" = 'STUDENT'
       WHERE t."courseId" = $1::int AND (t."id" + e."userId") % 10 <> 0`,
      [gradesCourse, teacherId],
    );
    // Bulk: 1000 students, one test per kind of upload.
    const bulkCourse = await internals.course(sql, teacherId, 'Bench: bulk grading', 2, internals.bulkRows + 1);
    const { rows: tests } = await sql.query<{ id: number }>(
      `INSERT INTO "tests" ("name", "date", "courseId", "updatedAt") VALUES ('Bulk JSON', now(), $1, now()), ('Bulk CSV', now(), $1, now()) RETURNING "id"`,
      [bulkCourse],
    );
    const { rows: students } = await sql.query<{ id: number; email: string }>(
      `SELECT u."id", u."email" FROM "course_enrollments" e JOIN "users" u ON u."id" = e."userId"
       WHERE e."courseId" = $1 AND e."role" = 'STUDENT' ORDER BY u."id" LIMIT $2`,
      [bulkCourse, internals.bulkRows],
    );
    await sql.query('ANALYZE');
    return { gradesCourse, jsonTest: tests[0].id, csvTest: tests[1].id, students };
  },
};

export async function runGradingBench(ctx: GradingBenchContext): Promise<Measured[]> {
  process.stdout.write(
    `==> grading workflow: seeding ${internals.gradesStudents}×${internals.gradesTests} grades and ${internals.bulkRows} bulk students\n`,
  );
  const seeded = await internals.seed(ctx.sql, ctx.teacherId);
  const teacher = await ctx.login(ctx.teacherId);
  const results: Measured[] = [];

  // GET grades: like the gradebook phase of run.ts, 10 connections.
  const duration = ctx.smoke ? 2 : 10;
  const url = `${ctx.apiUrl}/courses/${seeded.gradesCourse}/grades`;
  await autocannon({ url, connections: 10, duration: ctx.smoke ? 1 : 3, headers: teacher.headers });
  const grades = await autocannon({ url, connections: 10, duration, headers: teacher.headers });
  results.push({
    scenario: `GET /courses/{id}/grades (${internals.gradesStudents}×${internals.gradesTests}), 10 connections`,
    requests: grades.requests.total,
    p50: grades.latency.p50,
    p99: grades.latency.p99,
    errors: grades.errors + grades.timeouts + grades.non2xx,
    target: 'p50 < 50 ms',
    met: grades.latency.p50 < 50,
  });

  // Bulk uploads, one at a time (a teacher uploads a file, waits for the answer).
  const runs = ctx.smoke ? 3 : 20;
  const upload = async (testId: number, contentType: string, body: (round: number) => string) => {
    const times: number[] = [];
    let errors = 0;
    for (let round = 0; round < runs + 1; round++) {
      const started = performance.now();
      const res = await fetch(`${ctx.apiUrl}/courses/tests/${testId}/test-results`, {
        method: 'PUT',
        headers: { ...teacher.headers, 'content-type': contentType },
        body: body(round),
      });
      await res.text();
      if (round > 0) {
        // Round 0 creates the results (and warms up); the others update all 1000 rows.
        times.push(performance.now() - started);
      }
      errors += res.status === 200 ? 0 : 1;
    }
    return { times: times.sort((a, b) => a - b), errors };
  };
  const value = (round: number, i: number) => (round * 37 + i) % 1001;
  const json = await upload(seeded.jsonTest, 'application/json', (round) =>
    JSON.stringify(seeded.students.map((s, i) => ({ studentId: s.id, result: value(round, i) }))),
  );
  const csv = await upload(
    seeded.csvTest,
    'text/csv',
    (round) => `email,result\n${seeded.students.map((s, i) => `${s.email},${value(round, i)}`).join('\n')}\n`,
  );
  for (const [name, run] of [
    ['JSON by studentId', json],
    ['CSV by email', csv],
  ] as const) {
    const p50 = Math.round(internals.percentile(run.times, 50));
    results.push({
      scenario: `PUT /courses/tests/{id}/test-results, ${internals.bulkRows} rows, ${name}, sequential`,
      requests: run.times.length,
      p50,
      p99: Math.round(internals.percentile(run.times, 99)),
      errors: run.errors,
      target: 'p50 < 1000 ms',
      met: p50 < 1000,
    });
  }

  const load = os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
  const lines = [
    '| grading scenario | requests | p50 ms | p99 ms | errors | target |',
    '|:--|--:|--:|--:|--:|:--|',
    ...results.map((r) => `| ${r.scenario} | ${r.requests} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.met ? 'MET' : 'MISS'} ${r.target} |`),
  ];
  process.stdout.write(`\n${lines.join('\n')}\nload average after the grading scenarios: ${load} (${os.cpus().length} CPUs)\n`);
  writeFileSync(
    path.join(ctx.resultsDir, `grading-${ctx.label}.json`),
    `${JSON.stringify({ date: new Date().toISOString(), loadAverage: load, results }, null, 2)}\n`,
  );
  return results;
}
