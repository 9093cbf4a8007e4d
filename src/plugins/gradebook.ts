// Reports: GET /courses/tests/{testId}/stats, GET /courses/{courseId}/gradebook and
// GET /courses/{courseId}/grades (JSON or CSV), GET /users/{userId}/grades.
import Accept from '@hapi/accept';
import type { Plugin, Request, ResponseToolkit } from '@hapi/hapi';
import { stringify } from 'csv-stringify/sync';
import Joi from 'joi';
import { courseFromPath, isSelf, teachesCourse, teachesTestCourse, testFromPath, userFromPath } from '../auth/policies';
import { idParams, listQuery } from '../schemas/common';
import { courseGradesSchema, gradebookSchema, statsSchema, userGradesSchema } from '../schemas/resources';
import * as reports from '../services/gradebook';
import * as grades from '../services/grades';
import { documented, route } from './route';

const internals = {
  /** What the CSV-capable reports answer; JSON first, so it wins ties. */
  reportMedia: ['application/json', 'text/csv'] as const,

  /** The docs of a report that answers JSON, or CSV with `Accept: text/csv`. */
  documentedReport(description: string, schema: Joi.Schema) {
    return documented(
      'reports',
      { 200: { description: `${description} (CSV with \`Accept: text/csv\`)`, schema, media: internals.reportMedia } },
      [400, 403, 404],
    );
  },

  /** Content negotiation (q-values honoured): CSV only when the client prefers it; JSON wins ties. */
  wantsCsv(request: Pick<Request, 'headers'>): boolean {
    // @hapi/accept answers with the client's parameters (`text/csv;charset=utf-8`): compare the type only.
    const type = Accept.mediaType(request.headers.accept as string | undefined, [...internals.reportMedia]);
    return type.split(';')[0].trim() === 'text/csv';
  },

  /** Spreadsheets run cells starting with = + - @ as formulas: neutralise them (CSV injection). */
  safeCell(value: string | null): string {
    if (value === null) {
      return '';
    }
    return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  },

  toCsv(book: reports.Gradebook): string {
    const header = [
      'id',
      'email',
      'firstName',
      'lastName',
      ...book.tests.map((test) => internals.safeCell(`${test.name} (#${test.id})`)),
      'average',
      'finalGrade',
      'letter',
    ];
    const rows = book.students.map((student) => [
      student.id,
      internals.safeCell(student.email),
      internals.safeCell(student.firstName),
      internals.safeCell(student.lastName),
      ...book.tests.map((test) => student.results[String(test.id)] ?? ''),
      student.average ?? '',
      student.finalGrade ?? '',
      internals.safeCell(student.letter),
    ]);
    return stringify([header, ...rows]);
  },

  gradesToCsv(report: grades.CourseGrades): string {
    const header = ['id', 'email', 'firstName', 'lastName', 'finalGrade', 'letter', 'graded', 'missing'];
    const rows = report.students.map((student) => [
      student.id,
      internals.safeCell(student.email),
      internals.safeCell(student.firstName),
      internals.safeCell(student.lastName),
      student.finalGrade ?? '',
      internals.safeCell(student.letter),
      student.graded,
      student.missing,
    ]);
    return stringify([header, ...rows]);
  },

  /** JSON, or CSV as an attachment when the client prefers it: one negotiation for every report. */
  negotiate<T extends object>(
    request: Pick<Request, 'headers'>,
    h: Pick<ResponseToolkit, 'response'>,
    body: T,
    toCsv: (body: T) => string,
    filename: string,
  ) {
    if (internals.wantsCsv(request)) {
      return h
        .response(toCsv(body))
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .vary('accept');
    }
    return h.response(body).vary('accept');
  },

  gradesQuery: Joi.object<{ missing?: 'zero' }, true>({
    missing: Joi.string().valid('zero').description('zero: a weighted past-dated test without a result counts as 0'),
  }),
};

const getTestStats = route({
  method: 'GET',
  path: '/courses/tests/{testId}/stats',
  options: {
    description: 'Statistics of a test in result units: count, average, min, max, median (teachers of its course, admins)',
    ...documented(
      'reports',
      { 200: { description: 'The figures are null when there are no results', schema: statsSchema } },
      [400, 403, 404],
    ),
    validate: { params: idParams('testId') },
    pre: [testFromPath, teachesTestCourse],
  },
  handler: (request) => reports.testStats(request.server.app.db, request.params.testId),
});

const getGradebook = route({
  method: 'GET',
  path: '/courses/{courseId}/gradebook',
  options: {
    description:
      "A course's gradebook: its tests and, per student, the results by test id and the average (teachers of the course, admins). `Accept: text/csv` answers CSV, one row per student",
    ...internals.documentedReport('The gradebook', gradebookSchema),
    validate: { params: idParams('courseId') },
    pre: [courseFromPath, teachesCourse],
  },
  async handler(request, h) {
    const { courseId } = request.params;
    const book = await reports.gradebook(request.server.app.db, courseId);
    return internals.negotiate(request, h, book, internals.toCsv, `course-${courseId}-gradebook.csv`);
  },
});

const getCourseGrades = route({
  method: 'GET',
  path: '/courses/{courseId}/grades',
  options: {
    description:
      "Final grades of a course's students: the weighted mean of their results, rounded half up to one decimal, and its letter (teachers of the course, admins). `?missing=zero` counts weighted past-dated tests without a result as 0. `Accept: text/csv` answers CSV, one row per student",
    ...internals.documentedReport('Students by id with their final grade', courseGradesSchema),
    validate: { params: idParams('courseId'), query: internals.gradesQuery },
    pre: [courseFromPath, teachesCourse],
  },
  async handler(request, h) {
    const { db } = request.server.app;
    const { courseId } = request.params;
    const report = await grades.courseGrades(db, courseId, { releasedOnly: false, missingZero: request.query.missing === 'zero' });
    return internals.negotiate(request, h, report, internals.gradesToCsv, `course-${courseId}-grades.csv`);
  },
});

const getUserGrades = route({
  method: 'GET',
  path: '/users/{userId}/grades',
  options: {
    description:
      "A user's final grade and letter in each course they are a STUDENT of, by courseId, from released results only: what the student sees (yourself, admins)",
    ...documented('reports', { 200: { description: 'Courses by id with the final grade', schema: userGradesSchema } }, [400, 403, 404]),
    validate: { params: idParams('userId'), query: listQuery },
    pre: [userFromPath, isSelf],
  },
  handler: (request) => grades.userGrades(request.server.app.db, request.params.userId, request.query),
});

export const gradebookPlugin: Plugin<void> = {
  name: 'gradebook',
  register(server) {
    server.route(getTestStats);
    server.route(getGradebook);
    server.route(getCourseGrades);
    server.route(getUserGrades);
  },
};
