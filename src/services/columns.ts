// The columns the API returns of a course, a test and a user, each list written once. The Prisma
// selects, the raw SQL that builds the same objects in one statement (the course read, the
// gradebook, the grade reports) and the response schemas' field lists are all made from these, so
// a new column is named here and the compiler points at the rest. No imports: the benchmark's bare
// yardstick (bench/baseline.ts) builds its SQL from the same lists.

/** A test, in response order. */
export const TEST_COLUMNS = ['id', 'name', 'date', 'weight', 'released', 'releasedAt', 'courseId', 'updatedAt'] as const;

/** A course without its tests, in response order. */
export const COURSE_COLUMNS = ['id', 'name', 'courseDetails', 'gradingScale', 'createdAt', 'updatedAt'] as const;

/** Who a student is, in the class lists of the gradebook and the grade report. */
export const USER_SUMMARY_COLUMNS = ['id', 'email', 'firstName', 'lastName'] as const;

export type TestColumn = (typeof TEST_COLUMNS)[number];
export type CourseColumn = (typeof COURSE_COLUMNS)[number];
export type UserSummaryColumn = (typeof USER_SUMMARY_COLUMNS)[number];

/** `{ id: true, … }`: the Prisma `select` of these columns. */
export function selectOf<Column extends string>(columns: readonly Column[]): { readonly [K in Column]: true } {
  return Object.fromEntries(columns.map((column) => [column, true])) as { [K in Column]: true };
}

// The SQL text below is made only of the constant names above, never of input.

/** `alias."id", alias."name", …`: a SELECT list. */
export function sqlColumns(alias: string, columns: readonly string[]): string {
  return columns.map((column) => `${alias}."${column}"`).join(', ');
}

/** `'id', alias."id", …`: the arguments of json_build_object for these columns. */
export function sqlJsonFields(alias: string, columns: readonly string[]): string {
  return columns.map((column) => `'${column}', ${alias}."${column}"`).join(', ');
}
