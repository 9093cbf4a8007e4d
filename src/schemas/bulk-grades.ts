// The body of PUT /courses/tests/{testId}/test-results: a JSON array of {studentId, result}, or text/csv
// with a header naming `result` and exactly one of `studentId` or `email`. Validation turns either into
// BulkRow[]: the shape of the whole body (1–1000 rows, the CSV header) is a 400 here, before any
// lookup; a bad row becomes a row with its problem, reported together with the rows the database
// refuses (unknown or unenrolled students, duplicates) once the test and the caller's rights are known.
import { parse } from 'csv-parse/sync';
import Joi from 'joi';
import { int32 } from './common';
import type { BulkRow } from '../services/bulk-grading';

const MAX_BULK_ROWS = 1000;

const internals = {
  int32: 2_147_483_647,

  resultProblem: '"result" must be an integer from 0 to 1000',

  /** JSON: numbers only (a string "900" is a mistake worth reporting). CSV: digits only. */
  result(value: unknown, fromCsv: boolean): number | undefined {
    const number = fromCsv && typeof value === 'string' && /^\s*\d{1,4}\s*$/.test(value) ? Number(value) : value;
    return typeof number === 'number' && Number.isInteger(number) && number >= 0 && number <= 1000 ? number : undefined;
  },

  studentId(value: unknown, fromCsv: boolean): number | undefined {
    const number = fromCsv && typeof value === 'string' && /^\s*\d{1,10}\s*$/.test(value) ? Number(value) : value;
    return typeof number === 'number' && Number.isInteger(number) && number >= 1 && number <= internals.int32 ? number : undefined;
  },

  email(value: unknown): string | undefined {
    const email = typeof value === 'string' ? value.trim().toLowerCase() : '';
    return email && email.length <= 254 && !Joi.string().email({ tlds: false }).validate(email).error ? email : undefined;
  },

  fromJson(items: unknown[]): BulkRow[] {
    return items.map((item, index): BulkRow => {
      const row = index + 1;
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        return { row, problem: 'must be an object with "studentId" and "result"' };
      }
      const extra = Object.keys(item).find((key) => key !== 'studentId' && key !== 'result');
      if (extra !== undefined) {
        return { row, problem: `"${extra.slice(0, 50)}" is not allowed` };
      }
      const { studentId, result } = item as { studentId?: unknown; result?: unknown };
      const id = internals.studentId(studentId, false);
      if (id === undefined) {
        return { row, problem: '"studentId" must be a positive integer (a user id)' };
      }
      const value = internals.result(result, false);
      return value === undefined ? { row, problem: internals.resultProblem } : { row, studentId: id, result: value };
    });
  },

  /** Throws a message for the whole body; returns the rows otherwise. */
  fromCsv(text: string): BulkRow[] | string {
    let records: string[][];
    try {
      records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true, max_record_size: 4096 });
    } catch (err) {
      // csv-parse names the line: "Invalid Closing Quote: … at line 3" (never anything internal).
      return `the CSV cannot be read: ${(err as Error).message.slice(0, 200)}`;
    }
    // Blank lines are skipped; a line of empty fields (",,") is blank too.
    records = records.filter((record) => record.some((field) => field !== ''));
    const [header, ...data] = records;
    if (!header) {
      return 'the CSV is empty: it needs a header row naming "result" and "studentId" or "email"';
    }
    const names = header.map((name) => name.toLowerCase());
    const column = (name: string) => names.indexOf(name.toLowerCase());
    const [resultAt, idAt, emailAt] = [column('result'), column('studentId'), column('email')];
    if (resultAt < 0 || idAt < 0 === emailAt < 0) {
      return 'the CSV header must name "result" and exactly one of "studentId" or "email"';
    }
    if (names.filter((name) => name === 'result' || name === 'studentid' || name === 'email').length > 2) {
      return 'the CSV header names a column twice';
    }
    if (data.length < 1 || data.length > MAX_BULK_ROWS) {
      return `the CSV must have 1 to ${MAX_BULK_ROWS} data rows (it has ${data.length})`;
    }
    return data.map((record, index): BulkRow => {
      const row = index + 1;
      if (record.length !== header.length) {
        return { row, problem: `has ${record.length} fields, the header has ${header.length}` };
      }
      const result = internals.result(record[resultAt], true);
      if (idAt >= 0) {
        const studentId = internals.studentId(record[idAt], true);
        if (studentId === undefined) {
          return { row, problem: '"studentId" must be a positive integer (a user id)' };
        }
        return result === undefined ? { row, problem: internals.resultProblem } : { row, studentId, result };
      }
      const email = internals.email(record[emailAt]);
      if (email === undefined) {
        return { row, problem: '"email" must be an email address' };
      }
      return result === undefined ? { row, problem: internals.resultProblem } : { row, email, result };
    });
  },
};

const rowsMessages = {
  'array.base': '"BulkGrades" must be an array of rows with studentId and result (or send text/csv)',
  'array.min': '"BulkGrades" needs 1 to 1000 rows',
  'array.max': '"BulkGrades" has more than 1000 rows',
};

/**
 * The route's payload schema: a JSON array or a text/csv body (by Content-Type), both turned into
 * BulkRow[]. The items' schema documents a row for the OpenAPI document; rows are checked one by one
 * in fromJson, so that every bad row is reported with its number instead of the first one only.
 */
export const bulkGradesPayload: Joi.Schema<BulkRow[]> = Joi.alternatives()
  .conditional(Joi.ref('$headers.content-type'), {
    is: Joi.string().pattern(/^\s*text\/csv\b/i),
    then: Joi.string()
      .max(512 * 1024)
      .custom((text: string, helpers) => {
        const rows = internals.fromCsv(text);
        // A template would read braces in a quoted CSV value as references.
        return typeof rows === 'string' ? helpers.message({ custom: rows.replace(/[{}]/g, '') }) : rows;
      })
      .messages({ 'string.empty': '"BulkGrades" is empty: the CSV needs a header row naming "result" and "studentId" or "email"' })
      .label('BulkGrades'),
    otherwise: Joi.array()
      .items(
        Joi.object({
          studentId: int32.min(1).description("An enrolled STUDENT of the test's course"),
          result: int32.min(0).max(1000).description('Per mille: 875 = 87.5 %'),
        })
          .unknown(true)
          // Only documents a row: no conversion ("90" is a string, reported as a bad row by fromJson).
          .prefs({ convert: false })
          .label('BulkGradeRow'),
        // Any other object, string, number or boolean reaches fromJson too, to be reported with its row
        // number (a nested array or null is refused here, naming its 0-based index).
        Joi.alternatives().try(Joi.object().unknown(true), Joi.string().max(100_000), Joi.number(), Joi.boolean()).label('AnyJsonValue'),
      )
      .min(1)
      .max(MAX_BULK_ROWS)
      .messages(rowsMessages)
      .custom((items: unknown[]) => internals.fromJson(items))
      .label('BulkGrades'),
  })
  .required()
  .messages({ 'any.required': '"BulkGrades" is empty: send a JSON array of rows, or a CSV with a header row' })
  .label('BulkGrades');
