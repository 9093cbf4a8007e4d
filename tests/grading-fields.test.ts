// The grading workflow's new fields: a test's weight, released and releasedAt; a course's gradingScale.
import { json, makeTest, useWorld } from './helpers/fixtures';
import { DEFAULT_GRADING_SCALE } from './helpers/grading-scale';

describe('grading fields', () => {
  const ctx = useWorld();
  const inject = (method: string, url: string, payload?: object, headers = ctx.w.teacher.headers) =>
    ctx.server.inject({ method, url, headers, ...(payload ? { payload } : {}) });

  describe('tests: weight, released, releasedAt', () => {
    test('defaults: weight 1, released, releasedAt set at creation; shown in the course too', async () => {
      const res = await inject('POST', `/courses/${ctx.w.course}/tests`, { name: 'Plain', date: '2026-05-01T09:00:00.000Z' });
      expect(res.statusCode).toBe(201);
      const created = json(res);
      expect(created).toMatchObject({ weight: 1, released: true });
      expect(Date.now() - new Date(created.releasedAt).getTime()).toBeLessThan(60_000);
      const course = json(await inject('GET', `/courses/${ctx.w.course}`));
      expect(course.tests.find((t: { id: number }) => t.id === created.id)).toEqual(created);
    });

    test('an unreleased test has releasedAt null until it is released; saving released again keeps the date', async () => {
      const created = json(
        await inject('POST', `/courses/${ctx.w.course}/tests`, { name: 'Draft', date: '2026-05-02T09:00:00Z', weight: 3, released: false }),
      );
      expect(created).toMatchObject({ weight: 3, released: false, releasedAt: null });
      const released = json(await inject('PUT', `/courses/tests/${created.id}`, { released: true }));
      expect(released).toMatchObject({ weight: 3, released: true, releasedAt: expect.any(String) });
      const again = json(await inject('PUT', `/courses/tests/${created.id}`, { released: true, weight: 0 }));
      expect(again).toMatchObject({ weight: 0, released: true, releasedAt: released.releasedAt });
      const hidden = json(await inject('PUT', `/courses/tests/${created.id}`, { released: false }));
      expect(hidden).toMatchObject({ released: false, releasedAt: null });
      expect(json(await inject('GET', `/courses/tests/${created.id}`, undefined, ctx.w.student.headers))).toEqual(hidden);
    });

    test.each([
      [{ weight: -1 }, /weight/],
      [{ weight: 1001 }, /weight/],
      [{ weight: 1.5 }, /weight/],
      [{ weight: '2' + 'x' }, /weight/],
      [{ released: 'yes' }, /released/],
      [{ releasedAt: '2026-01-01T00:00:00Z' }, /releasedAt/],
    ])('400 for %j on create and update', async (fields, field) => {
      const create = await inject('POST', `/courses/${ctx.w.course}/tests`, { name: 'Bad', date: '2026-05-01T09:00:00Z', ...fields });
      expect(create.statusCode).toBe(400);
      expect(json(create).message).toMatch(field);
      const update = await inject('PUT', `/courses/tests/${ctx.w.test}`, fields);
      expect(update.statusCode).toBe(400);
      expect(json(update).message).toMatch(field);
    });

    test('weights 0 and 1000 are valid', async () => {
      const test = await makeTest(ctx.server, ctx.w.course, 'Edges');
      expect(json(await inject('PUT', `/courses/tests/${test}`, { weight: 0 })).weight).toBe(0);
      expect(json(await inject('PUT', `/courses/tests/${test}`, { weight: 1000 })).weight).toBe(1000);
    });
  });

  describe('courses: gradingScale', () => {
    test('a new course has the default scale', async () => {
      const res = await inject('POST', '/courses', { name: 'Defaults', courseDetails: 'x' });
      expect(res.statusCode).toBe(201);
      expect(json(res).gradingScale).toEqual(DEFAULT_GRADING_SCALE);
      expect(json(await inject('GET', `/courses/${json(res).id}`)).gradingScale).toEqual(DEFAULT_GRADING_SCALE);
    });

    test('a custom scale is stored and returned sorted by min descending', async () => {
      const scale = [
        { letter: 'Fail', min: 0 },
        { letter: 'Pass', min: 500 },
        { letter: 'Merit', min: 750 },
      ];
      const created = json(await inject('POST', '/courses', { name: 'Custom', courseDetails: 'x', gradingScale: scale }));
      expect(created.gradingScale).toEqual([scale[2], scale[1], scale[0]]);
      const updated = json(
        await inject(
          'PUT',
          `/courses/${created.id}`,
          {
            gradingScale: [
              { letter: 'S', min: 0 },
              { letter: 'H', min: 850 },
            ],
          },
          ctx.w.admin.headers,
        ),
      );
      expect(updated.gradingScale).toEqual([
        { letter: 'H', min: 850 },
        { letter: 'S', min: 0 },
      ]);
    });

    test.each([
      [[], /gradingScale/],
      [[{ letter: 'A', min: 900 }], /gradingScale.*min 0/],
      [
        [
          { letter: 'A', min: 0 },
          { letter: 'B', min: 0 },
        ],
        /gradingScale\[1\]/,
      ],
      [
        [
          { letter: 'A', min: 500 },
          { letter: 'a', min: 0 },
        ],
        /gradingScale\[1\]/,
      ],
      [[{ letter: 'TooLong', min: 0 }], /letter/],
      [[{ letter: '', min: 0 }], /letter/],
      [
        [
          { letter: 'A', min: 1001 },
          { letter: 'F', min: 0 },
        ],
        /min/,
      ],
      [
        [
          { letter: 'A', min: -1 },
          { letter: 'F', min: 0 },
        ],
        /min/,
      ],
      [
        [
          { letter: 'A', min: 0.5 },
          { letter: 'F', min: 0 },
        ],
        /min/,
      ],
      [[{ letter: 'F', min: 0, extra: 1 }], /extra/],
      [Array.from({ length: 21 }, (_, i) => ({ letter: `L${i}`, min: i * 10 })), /gradingScale/],
      ['A', /gradingScale/],
    ])('400 for the scale %j', async (gradingScale, message) => {
      const create = await inject('POST', '/courses', { name: 'Bad scale', courseDetails: 'x', gradingScale });
      expect(create.statusCode).toBe(400);
      expect(json(create).message).toMatch(message);
      const update = await inject('PUT', `/courses/${ctx.w.course}`, { gradingScale });
      expect(update.statusCode).toBe(400);
      expect(json(update).message).toMatch(message);
    });
  });
});
