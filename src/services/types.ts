// Shapes the services share with their callers.

/** One page of a list: `take` rows (1–100) after `skip`; lists order by id ascending. */
export interface ListQuery {
  readonly take: number;
  readonly skip: number;
}
