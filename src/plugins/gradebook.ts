// Reports: GET /courses/tests/{testId}/stats and GET /courses/{courseId}/gradebook (JSON or CSV).
import Accept from '@hapi/accept';
import type { Plugin, Request } from '@hapi/hapi';
import { stringify } from 'csv-stringify/sync';
import { courseFromPath, teachesCourse, teachesTestCourse, testFromPath, type Pres } from '../auth/policies';
import { idParams, responses, type IdParams } from '../schemas/common';
import { gradebookSchema, statsSchema } from '../schemas/resources';
import * as reports from '../services/gradebook';

const internals = {
  /** Content negotiation (q-values honoured): CSV only when the client prefers it; JSON wins ties. */
  wantsCsv(request: Pick<Request, 'headers'>): boolean {
    return Accept.mediaType(request.headers.accept as string | undefined, ['application/json', 'text/csv']) === 'text/csv';
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
    ];
    const rows = book.students.map((student) => [
      student.id,
      internals.safeCell(student.email),
      internals.safeCell(student.firstName),
      internals.safeCell(student.lastName),
      ...book.tests.map((test) => student.results[String(test.id)] ?? ''),
      student.average ?? '',
    ]);
    return stringify([header, ...rows]);
  },
};

export const gradebookPlugin: Plugin<void> = {
  name: 'gradebook',
  register(server) {
    const { db } = server.app;
    server.route<{ Params: IdParams<'testId'>; Pres: Pres<'test'> }>({
      method: 'GET',
      path: '/courses/tests/{testId}/stats',
      options: {
        description: 'Statistics of a test in result units: count, average, min, max, median (teachers of its course, admins)',
        tags: ['api', 'reports'],
        validate: { params: idParams('testId') },
        pre: [testFromPath, teachesTestCourse],
        response: { status: { 200: statsSchema } },
        plugins: { 'hapi-swagger': { responses: responses({ 200: { description: 'Nulls when there are no results' } }) } },
      },
      handler: (request) => reports.testStats(db, request.params.testId),
    });
    server.route<{ Params: IdParams<'courseId'>; Pres: Pres<'course'> }>({
      method: 'GET',
      path: '/courses/{courseId}/gradebook',
      options: {
        description:
          "A course's gradebook: its tests and, per student, the results by test id and the average (teachers of the course, admins). `Accept: text/csv` answers CSV, one row per student",
        tags: ['api', 'reports'],
        validate: { params: idParams('courseId') },
        pre: [courseFromPath, teachesCourse],
        plugins: {
          'hapi-swagger': {
            produces: ['application/json', 'text/csv'],
            responses: responses({ 200: { description: 'The gradebook', schema: gradebookSchema } }),
          },
        },
      },
      async handler(request, h) {
        const { courseId } = request.params;
        const book = await reports.gradebook(db, courseId);
        if (internals.wantsCsv(request)) {
          return h
            .response(internals.toCsv(book))
            .type('text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="course-${courseId}-gradebook.csv"`)
            .vary('accept');
        }
        return h.response(book).vary('accept');
      },
    });
  },
};
