// Demo data for a fresh database: a would-be admin (admin@example.com: an admin once ADMIN_EMAILS lists
// it and they log in; the seed itself makes nobody admin), two teachers, ten students, three courses with their
// enrollments, two tests per course and graded results. Idempotent: every row is found by a stable
// key (a user's email, a course's name + its demo teacher, a test's name within its course, the
// composite keys of enrollments and results) and upserted, so a second run changes nothing and a
// run after edits through the API restores the demo values. Rows that are not demo rows are never
// touched. Entry points: `npm run db:seed` (src/db/seed-cli.ts) and SEED_DEMO_DATA=true npm start.
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Db } from './prisma';

type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

export interface DemoUser {
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
}

export interface DemoCourse {
  readonly name: string;
  readonly courseDetails: string;
  /** Email of the demo teacher who teaches it. */
  readonly teacher: string;
  /** Emails of its demo students. */
  readonly students: readonly string[];
  /** A custom grading scale (the database default A/B/C/D/F otherwise). */
  readonly gradingScale?: ReadonlyArray<{ readonly letter: string; readonly min: number }>;
  readonly tests: ReadonlyArray<{
    readonly name: string;
    readonly date: string;
    readonly graded: boolean;
    /** Relative weight in the final grade (default 1). */
    readonly weight?: number;
    /** false: graded but held back from the students (default true). */
    readonly released?: boolean;
  }>;
}

export interface SeedSummary {
  readonly users: number;
  readonly courses: number;
  readonly enrollments: number;
  readonly tests: number;
  readonly results: number;
}

const studentEmail = (n: number): string => `student${String(n).padStart(2, '0')}@example.com`;
const student = (n: number, firstName: string, lastName: string): DemoUser => ({ email: studentEmail(n), firstName, lastName });

/** The demo data set; exported so tests can assert on exactly these rows. */
export const DEMO = {
  admin: { email: 'admin@example.com', firstName: 'Demo', lastName: 'Admin' } satisfies DemoUser,
  teachers: [
    { email: 'teacher1@example.com', firstName: 'Ada', lastName: 'Lovelace' },
    { email: 'teacher2@example.com', firstName: 'Alan', lastName: 'Turing' },
  ] satisfies DemoUser[],
  students: [
    student(1, 'Grace', 'Hopper'),
    student(2, 'Edsger', 'Dijkstra'),
    student(3, 'Barbara', 'Liskov'),
    student(4, 'Donald', 'Knuth'),
    student(5, 'Margaret', 'Hamilton'),
    student(6, 'John', 'McCarthy'),
    student(7, 'Frances', 'Allen'),
    student(8, 'Niklaus', 'Wirth'),
    student(9, 'Radia', 'Perlman'),
    student(10, 'Ken', 'Thompson'),
  ] satisfies DemoUser[],
  courses: [
    {
      name: 'Demo: Algebra I',
      courseDetails: 'Linear equations, functions and polynomials. Demo course created by npm run db:seed.',
      teacher: 'teacher1@example.com',
      students: [1, 2, 3, 4, 5, 6].map(studentEmail),
      tests: [
        { name: 'Midterm', date: '2026-03-10T09:00:00.000Z', graded: true, weight: 1 },
        // Counts twice as much as the midterm in the final grade.
        { name: 'Final exam', date: '2026-06-16T09:00:00.000Z', graded: true, weight: 2 },
      ],
    },
    {
      name: 'Demo: History of Computing',
      courseDetails: 'From the Analytical Engine to the Internet. Demo course created by npm run db:seed.',
      teacher: 'teacher2@example.com',
      students: [4, 5, 6, 7, 8, 9].map(studentEmail),
      gradingScale: [
        { letter: 'Merit', min: 750 },
        { letter: 'Pass', min: 500 },
        { letter: 'Fail', min: 0 },
      ],
      tests: [
        { name: 'Essay', date: '2026-03-12T13:00:00.000Z', graded: true, weight: 1 },
        // Graded but not released yet: students do not see it (PUT {"released": true} emails them).
        { name: 'Final exam', date: '2026-06-18T13:00:00.000Z', graded: true, weight: 3, released: false },
      ],
    },
    {
      name: 'Demo: Physics',
      courseDetails: 'Mechanics and thermodynamics. Demo course created by npm run db:seed.',
      teacher: 'teacher1@example.com',
      students: [1, 3, 5, 7, 9, 10].map(studentEmail),
      tests: [
        { name: 'Quiz 1', date: '2026-02-20T10:00:00.000Z', graded: true },
        // Not graded yet: shows a course with a pending test.
        { name: 'Lab report', date: '2026-05-22T10:00:00.000Z', graded: false },
      ],
    },
  ] satisfies DemoCourse[],
} as const;

const internals = {
  // Deterministic per-mille grades between 550 and 995 (no randomness: two runs write the same data).
  grade(studentIndex: number, testIndex: number): number {
    return 550 + ((studentIndex * 37 + testIndex * 91) % 90) * 5;
  },

  async upsertUser(tx: Tx, user: DemoUser): Promise<number> {
    const data = { firstName: user.firstName, lastName: user.lastName };
    const row = await tx.user.upsert({
      where: { email: user.email },
      create: { email: user.email, ...data },
      update: data,
      select: { id: true },
    });
    return row.id;
  },

  /** The demo course is the one with this name that the demo teacher teaches. */
  async upsertCourse(tx: Tx, course: DemoCourse, teacherId: number): Promise<number> {
    const existing = await tx.course.findFirst({
      where: { name: course.name, members: { some: { userId: teacherId, role: 'TEACHER' } } },
      orderBy: { id: 'asc' },
      select: { id: true },
    });
    const data = { courseDetails: course.courseDetails, ...(course.gradingScale && { gradingScale: course.gradingScale }) };
    if (existing) {
      await tx.course.update({ where: { id: existing.id }, data, select: { id: true } });
      return existing.id;
    }
    const created = await tx.course.create({ data: { name: course.name, ...data }, select: { id: true } });
    return created.id;
  },

  async enroll(tx: Tx, userId: number, courseId: number, role: 'STUDENT' | 'TEACHER'): Promise<void> {
    await tx.courseEnrollment.upsert({
      where: { userId_courseId: { userId, courseId } },
      create: { userId, courseId, role },
      update: { role },
      select: { userId: true },
    });
  },

  async upsertTest(tx: Tx, courseId: number, test: DemoCourse['tests'][number]): Promise<number> {
    const { name } = test;
    const data = { date: new Date(test.date), weight: test.weight ?? 1, released: test.released ?? true };
    const existing = await tx.test.findFirst({ where: { courseId, name }, orderBy: { id: 'asc' }, select: { id: true } });
    if (existing) {
      await tx.test.update({ where: { id: existing.id }, data, select: { id: true } });
      return existing.id;
    }
    const created = await tx.test.create({ data: { courseId, name, ...data }, select: { id: true } });
    return created.id;
  },
};

/** Creates or restores the demo data set (see DEMO). Safe to run any number of times. */
export async function seedDemoData(db: Db): Promise<SeedSummary> {
  return db.$transaction(
    async (tx) => {
      const ids = new Map<string, number>();
      ids.set(DEMO.admin.email, await internals.upsertUser(tx, DEMO.admin));
      for (const user of [...DEMO.teachers, ...DEMO.students]) {
        ids.set(user.email, await internals.upsertUser(tx, user));
      }
      const id = (email: string): number => ids.get(email) as number;

      let enrollments = 0;
      let tests = 0;
      let results = 0;
      for (const [courseIndex, course] of DEMO.courses.entries()) {
        const teacherId = id(course.teacher);
        const courseId = await internals.upsertCourse(tx, course, teacherId);
        await internals.enroll(tx, teacherId, courseId, 'TEACHER');
        for (const email of course.students) {
          await internals.enroll(tx, id(email), courseId, 'STUDENT');
        }
        enrollments += 1 + course.students.length;

        for (const [testIndex, test] of course.tests.entries()) {
          const testId = await internals.upsertTest(tx, courseId, test);
          tests += 1;
          if (!test.graded) {
            continue;
          }
          for (const [studentIndex, email] of course.students.entries()) {
            const studentId = id(email);
            const result = internals.grade(studentIndex, courseIndex * 2 + testIndex);
            await tx.testResult.upsert({
              where: { testId_studentId: { testId, studentId } },
              create: { testId, studentId, result, graderId: teacherId },
              update: { result, graderId: teacherId },
              select: { id: true },
            });
            results += 1;
          }
        }
      }

      return { users: ids.size, courses: DEMO.courses.length, enrollments, tests, results };
    },
    // About a hundred statements: well past the 5 s default on a cold embedded database.
    { timeout: 60_000, maxWait: 10_000 },
  );
}

/**
 * Start-up hook (src/index.ts): SEED_DEMO_DATA=true seeds; otherwise an empty database gets one
 * info line saying how to load the demo data (not in production).
 */
export async function seedOnStart(db: Db, config: Pick<Config, 'seedDemoData' | 'env'>, logger: Pick<Logger, 'info'>): Promise<void> {
  if (config.seedDemoData) {
    const summary = await seedDemoData(db);
    logger.info(summary, 'SEED_DEMO_DATA: demo data seeded (admin@example.com is an admin when ADMIN_EMAILS lists it)');
    return;
  }
  if (config.env !== 'production' && !(await db.user.findFirst({ select: { id: true } }))) {
    logger.info('the database is empty: start with SEED_DEMO_DATA=true (or run npm run db:seed) for demo users, courses and grades');
  }
}
