// Joi pieces shared by every resource plugin: ids, list paging, error responses for the docs.
import Joi from 'joi';
import type { ListQuery } from '../services/types';

/** A database id: a positive int32. Anything else is a 400 before it can reach Postgres' `int4`. */
export const id = Joi.number().integer().min(1).max(2_147_483_647).meta({ format: 'int32' }).example(1);

/** `?take=&skip=` of every list: 1–100 rows (default 100), from offset ≥ 0. Lists order by id ascending. */
export const listKeys = {
  take: Joi.number().integer().min(1).max(100).default(100).meta({ format: 'int32' }).description('Rows to return (1–100)'),
  skip: Joi.number().integer().min(0).max(2_147_483_647).default(0).meta({ format: 'int32' }).description('Rows to skip'),
};
export const listQuery = Joi.object<ListQuery, true>(listKeys);

/** Validated path parameters that are all ids, e.g. `IdParams<'userId' | 'courseId'>`. */
export type IdParams<Name extends string> = Record<Name, number>;

/** The schema of `IdParams`, e.g. `idParams('courseId')`. */
export function idParams<Name extends string>(...names: Name[]): Joi.ObjectSchema<IdParams<Name>> {
  return Joi.object(Object.fromEntries(names.map((name) => [name, id.required()])));
}

/**
 * Text PostgreSQL can store: no NUL character (text columns reject 0x00, jsonb rejects \u0000) and
 * no unpaired UTF-16 surrogate (not valid Unicode). Without this both were 500s (found by fuzzing).
 */
export const text = Joi.string()
  // eslint-disable-next-line no-control-regex -- the NUL character is exactly what is refused
  .pattern(/^[^\u0000\p{Cs}]*$/u, 'storable text')
  .messages({ 'string.pattern.name': '{{#label}} must not contain NUL characters or unpaired surrogates' });

/** A short, non-empty, trimmed text (names, titles). */
export const shortText = text.trim().min(1).max(200);
/** A longer free text (course details, feedback). */
export const longText = text.trim().min(1).max(5000);

/** An email address as accounts store it (trimmed; compared case-insensitively by the services). */
export const emailAddress = text.trim().email({ tlds: false }).max(254);

/** The 8-digit token of a login or email-change mail (leading zeros kept: a string). */
export const emailToken = Joi.string()
  .pattern(/^\d{8}$/)
  .min(8)
  .max(8)
  .messages({ 'string.pattern.base': '"emailToken" must be the 8 digits from the email' });

/**
 * An ISO-8601 date PostgreSQL and Prisma can store: years 1900–9999. Joi alone accepts extended
 * years (-271821 … +275760), which were 500s (found by fuzzing).
 */
export const isoDate = Joi.date().iso().min('1900-01-01T00:00:00.000Z').max('9999-12-31T23:59:59.999Z');

/** An int4 column (ids, counts, per-mille results): documented as `integer`, `format: int32`. */
export const int32 = Joi.number().integer().min(-2_147_483_648).max(2_147_483_647).meta({ format: 'int32' });

/** A timestamp in responses: an ISO-8601 date-time (`2026-01-15T09:00:00.000Z`). */
export const timestamp = Joi.date().iso();

/** Boom's error body, as every 4xx/5xx of this API answers it. */
export const errorSchema = Joi.object({
  statusCode: Joi.number().integer().min(400).max(599).meta({ format: 'int32' }).required().example(404),
  error: Joi.string().max(100).required().example('Not Found'),
  message: Joi.string().max(2000).required().example('Course not found'),
  // hapi adds which part of the request failed validation; hapi-auth-jwt2 the auth scheme's attributes.
  validation: Joi.object({
    source: Joi.string().max(20),
    keys: Joi.array().items(Joi.string().max(200)).max(100).label('ValidationKeys'),
  }).label('ValidationDetail'),
  attributes: Joi.object().unknown(true).label('AuthAttributes'),
  // Bulk grading: every bad row once, with its first problem (rows count from 1).
  rows: Joi.array()
    .items(Joi.object({ row: int32.min(1).required(), message: Joi.string().max(500).required() }).label('RowProblem'))
    .max(1000),
}).label('Error');
