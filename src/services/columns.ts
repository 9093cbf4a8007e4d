// The columns the API returns of a course, a test and a user, each list written once. The Prisma
// selects, the raw SQL that builds the same objects in one statement (the course read, the
// gradebook, the grade reports) and the response schemas' field lists are all made from these, so
// a new column is named here and the compiler points at the rest. Type imports only: the benchmark's
// bare yardstick (bench/baseline.ts) builds its SQL from the same lists without loading Prisma.
import type { User } from '@prisma/client';

/**
 * The columns of T that json_build_object returns as they are. Timestamps are not among them: they
 * come back as text without a zone and need converting (fromJsonTest does it for tests).
 */
type PlainColumn<T> = { [K in keyof T]-?: T[K] extends Date | null ? never : K }[keyof T];

/** A test, in response order. */
export const TEST_COLUMNS = ['id', 'name', 'date', 'weight', 'released', 'releasedAt', 'courseId', 'updatedAt'] as const;

/** A course without its tests, in response order. */
export const COURSE_COLUMNS = ['id', 'name', 'courseDetails', 'gradingScale', 'createdAt', 'updatedAt'] as const;

/** A course in a user's course list: all of the course but its grading scale. */
export const USER_COURSE_COLUMNS = COURSE_COLUMNS.filter(
  (column): column is Exclude<CourseColumn, 'gradingScale'> => column !== 'gradingScale',
);

/** Who a user is: the start of a user's profile, and a student in the gradebook and the grade report. */
export const USER_SUMMARY_COLUMNS = ['id', 'email', 'firstName', 'lastName'] as const satisfies ReadonlyArray<PlainColumn<User>>;

export type TestColumn = (typeof TEST_COLUMNS)[number];
export type CourseColumn = (typeof COURSE_COLUMNS)[number];
export type UserSummaryColumn = (typeof USER_SUMMARY_COLUMNS)[number];

/** `{ id: true, … }`: the Prisma `select` of these columns. */
export function selectOf<Column extends string>(columns: readonly Column[]): { readonly [K in Column]: true } {
  return Object.fromEntries(columns.map((column) => [column, true])) as { [K in Column]: true };
}

// The SQL text below is made only of the lists above (the parameter types allow nothing else).
type ColumnList = typeof TEST_COLUMNS | typeof COURSE_COLUMNS | typeof USER_SUMMARY_COLUMNS;
type Alias = 'c' | 't' | 'u';

/** `alias."id", alias."name", …`: a SELECT list. */
export function sqlColumns(alias: Alias, columns: ColumnList): string {
  return columns.map((column) => `${alias}."${column}"`).join(', ');
}

/** `'id', alias."id", …`: the arguments of json_build_object for these columns. */
export function sqlJsonFields(alias: Alias, columns: ColumnList): string {
  return columns.map((column) => `'${column}', ${alias}."${column}"`).join(', ');
}
