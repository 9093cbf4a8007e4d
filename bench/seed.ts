// Bulk seed for the benchmark: a fresh database gets realistic volume in a few set-based INSERTs
// (generate_series), so ids are predictable: users 1..5000, courses 1..1002.
import type { Client } from 'pg';

export const SEED = {
  users: 5000,
  courses: 1000,
  testsPerCourse: 3,
  studentsPerCourse: 20,
  /** User 1: the teacher who logs in (teaches courses 1..teacherCourses, the gradebook and the write course). */
  teacherId: 1,
  teacherCourses: 100,
  /** Course 1001: 200 students × 10 tests, every result recorded (the gradebook). */
  gradebookCourse: 1001,
  gradebookStudents: 200,
  gradebookTests: 10,
  /** Course 1002: students × tests with no results yet, the targets of POST test-results. */
  writeCourse: 1002,
  writeStudents: 3000,
  writeTests: 20,
  /** Users 2..(1 + loggedInStudents) log in too: students of the gradebook course (and others). */
  loggedInStudents: 20,
} as const;

export async function seed(client: Client): Promise<Record<string, number>> {
  const s = SEED;
  await client.query('BEGIN');
  await client.query(
    `INSERT INTO "users" ("email", "firstName", "lastName", "updatedAt")
     SELECT 'user' || i || '@bench.example', 'First' || i, 'Last' || i, now() FROM generate_series(1, $1::int) i`,
    [s.users],
  );
  await client.query(
    `INSERT INTO "courses" ("name", "courseDetails", "updatedAt")
     SELECT 'Course ' || c, 'Details of course ' || c || ': ' || repeat('lorem ipsum ', 8), now()
     FROM generate_series(1, $1::int + 2) c`,
    [s.courses],
  );
  // Tests: 3 per ordinary course, then the gradebook's and the write course's.
  await client.query(
    `INSERT INTO "tests" ("name", "date", "courseId", "updatedAt")
     SELECT 'Test ' || k, timestamp '2026-01-05 09:00' + (k * interval '7 days'), c, now()
     FROM generate_series(1, $1::int) c, generate_series(1, $2::int) k ORDER BY c, k`,
    [s.courses, s.testsPerCourse],
  );
  await client.query(
    `INSERT INTO "tests" ("name", "date", "courseId", "updatedAt")
     SELECT 'Exam ' || k, timestamp '2026-01-05 09:00' + (k * interval '3 days'), $1::int, now() FROM generate_series(1, $2::int) k`,
    [s.gradebookCourse, s.gradebookTests],
  );
  await client.query(
    `INSERT INTO "tests" ("name", "date", "courseId", "updatedAt")
     SELECT 'Quiz ' || k, timestamp '2026-02-01 09:00' + (k * interval '1 day'), $1::int, now() FROM generate_series(1, $2::int) k`,
    [s.writeCourse, s.writeTests],
  );
  // Teachers: user 1 for the first 100 courses, a spread of other users for the rest.
  await client.query(
    `INSERT INTO "course_enrollments" ("userId", "courseId", "role")
     SELECT CASE WHEN c <= $2::int THEN $3::int ELSE 2 + (c * 37) % ($4::int - 1) END, c, 'TEACHER'
     FROM generate_series(1, $1::int) c`,
    [s.courses, s.teacherCourses, s.teacherId, s.users],
  );
  await client.query(
    `INSERT INTO "course_enrollments" ("userId", "courseId", "role")
     SELECT 2 + (c * $2::int + j) % ($3::int - 1), c, 'STUDENT'
     FROM generate_series(1, $1::int) c, generate_series(0, $2::int - 1) j
     ON CONFLICT DO NOTHING`,
    [s.courses, s.studentsPerCourse, s.users],
  );
  await client.query(
    `INSERT INTO "course_enrollments" ("userId", "courseId", "role")
     VALUES ($1::int, $2::int, 'TEACHER'), ($1::int, $3::int, 'TEACHER')`,
    [s.teacherId, s.gradebookCourse, s.writeCourse],
  );
  await client.query(
    `INSERT INTO "course_enrollments" ("userId", "courseId", "role")
     SELECT u, $1::int, 'STUDENT' FROM generate_series(2, 1 + $2::int) u`,
    [s.gradebookCourse, s.gradebookStudents],
  );
  await client.query(
    `INSERT INTO "course_enrollments" ("userId", "courseId", "role")
     SELECT u, $1::int, 'STUDENT' FROM generate_series(2, 1 + $2::int) u`,
    [s.writeCourse, s.writeStudents],
  );
  // Results: every student of every ordinary course and of the gradebook course, on every test.
  await client.query(
    `INSERT INTO "test_results" ("result", "testId", "studentId", "graderId", "updatedAt")
     SELECT (t."id" * 7919 + e."userId" * 104729) % 1001, t."id", e."userId", teacher."userId", now()
     FROM "tests" t
     JOIN "course_enrollments" e ON e."courseId" = t."courseId" AND e."role" = 'STUDENT'
     JOIN "course_enrollments" teacher ON teacher."courseId" = t."courseId" AND teacher."role" = 'TEACHER'
     WHERE t."courseId" <> $1::int`,
    [s.writeCourse],
  );
  await client.query('COMMIT');
  await client.query('ANALYZE');

  const { rows } = await client.query<Record<string, number>>(
    `SELECT (SELECT count(*)::int FROM "users") AS users, (SELECT count(*)::int FROM "courses") AS courses,
            (SELECT count(*)::int FROM "tests") AS tests, (SELECT count(*)::int FROM "course_enrollments") AS enrollments,
            (SELECT count(*)::int FROM "test_results") AS results`,
  );
  return rows[0];
}
