// Errors the services (and the policies) throw for a broken domain rule. Nothing here knows HTTP:
// src/errors.ts maps them to status codes.

export class DomainError extends Error {
  override name = 'DomainError';
  constructor(
    readonly kind: 'notFound' | 'conflict' | 'invalid' | 'forbidden' | 'unauthorized' | 'unavailable',
    message: string,
    /** Extra fields of the error body, e.g. the bad `rows` of a bulk request. */
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }
}

/** One bad row of a bulk request: `row` counts data rows from 1. */
export interface RowProblem {
  readonly row: number;
  readonly message: string;
}

/** The resources a 404 can name; each has one wording: "Course not found". */
export type Resource = 'User' | 'Course' | 'Enrollment' | 'Test' | 'Test result';

export function notFound(resource: Resource): DomainError {
  return new DomainError('notFound', notFoundMessage(resource));
}

export function notFoundMessage(resource: Resource): string {
  return `${resource} not found`;
}
