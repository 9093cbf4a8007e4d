// Response shapes of the grading resources, shared by their plugins (plugins don't import each other).
// Routes validate their success responses against these, and hapi-swagger documents them.
import Joi from 'joi';
import { USER_COURSE_COLUMNS, type CourseColumn, type TestColumn, type UserSummaryColumn } from '../services/columns';
import { int32, timestamp } from './common';

const int = int32;
const nullableNumber = Joi.number().allow(null).required();
const name = Joi.string().max(200);
const longText = Joi.string().max(5000);

/** Who a user is: the start of the User schema and of every class list's entries. */
export const userSummaryFields: Record<UserSummaryColumn, Joi.Schema> = {
  id: int.required(),
  email: Joi.string().max(254).required(),
  firstName: Joi.string().max(100).allow(null).required(),
  lastName: Joi.string().max(100).allow(null).required(),
};

// Typed by the column lists of src/services/columns.ts: a column added there fails to compile here.
const testFields: Record<TestColumn, Joi.Schema> = {
  id: int.required(),
  name: name.required(),
  date: timestamp.required(),
  weight: int.min(0).max(1000).required().description('Relative weight in the final grade (0 = does not count)'),
  released: Joi.boolean().required().description('Students see the results only of released tests'),
  releasedAt: timestamp.allow(null).required().description('When `released` last became true; null while unreleased'),
  courseId: int.required(),
  updatedAt: timestamp.required(),
};
export const testSchema = Joi.object(testFields).label('Test');

const gradingScaleSchema = Joi.array()
  .items(
    Joi.object({
      letter: Joi.string().max(10).required(),
      min: int.min(0).max(1000).required().description('Lowest final grade (result units) with this letter'),
    }).label('GradeLetter'),
  )
  .max(20)
  .description('Letters by minimum final grade, sorted by min descending')
  .label('GradingScale');

/** A course's tests: bounded by the course, not paged. */
const courseTestsSchema = Joi.array().items(testSchema).label('CourseTests');

const courseFields: Record<CourseColumn, Joi.Schema> = {
  id: int.required(),
  name: name.required(),
  courseDetails: longText.required(),
  gradingScale: gradingScaleSchema.required(),
  createdAt: timestamp.required(),
  updatedAt: timestamp.required(),
};
export const courseSchema = Joi.object({ ...courseFields, tests: courseTestsSchema.required() }).label('Course');

export const roleSchema = Joi.string().valid('STUDENT', 'TEACHER');

/** A user's course list: the columns its query selects (USER_COURSE_COLUMNS), and the user's role. */
const userCourseFields = Object.fromEntries(USER_COURSE_COLUMNS.map((column) => [column, courseFields[column]]));
export const userCourseSchema = Joi.object({ ...userCourseFields, role: roleSchema.required() }).label('UserCourse');

export const enrollmentSchema = Joi.object({
  userId: int.required(),
  courseId: int.required(),
  role: roleSchema.required(),
  createdAt: timestamp.required(),
}).label('Enrollment');

export const testResultSchema = Joi.object({
  id: int.required(),
  result: int.min(0).max(1000).required(),
  studentId: int.required(),
  graderId: int.allow(null).required(),
  testId: int.required(),
  createdAt: timestamp.required(),
}).label('TestResult');

export const feedbackSchema = Joi.object({
  id: int.required(),
  feedback: longText.required(),
  courseId: int.required(),
  studentId: int.required(),
  createdAt: timestamp.required(),
}).label('Feedback');

export const statsSchema = Joi.object({
  testId: int.required(),
  count: int.min(0).required(),
  average: nullableNumber,
  min: nullableNumber,
  max: nullableNumber,
  median: nullableNumber,
}).label('TestStats');

export const gradebookSchema = Joi.object({
  tests: courseTestsSchema.required(),
  students: Joi.array()
    .items(
      Joi.object({
        ...userSummaryFields,
        results: Joi.object().pattern(Joi.string().max(10), int).label('ResultsByTest').required().description('testId → result'),
        average: nullableNumber,
        finalGrade: nullableNumber.description('Weighted final grade in result units, one decimal (every test, released or not)'),
        letter: Joi.string().max(10).allow(null).required().description("The course's letter for finalGrade"),
      }).label('GradebookStudent'),
    )
    .label('GradebookStudents')
    .required(),
}).label('Gradebook');

const finalGrade = Joi.number()
  .min(0)
  .max(1000)
  .allow(null)
  .required()
  .description('Weighted final grade in result units (0–1000), rounded half up to one decimal; null when no weighted test counts');
const letter = Joi.string()
  .max(10)
  .allow(null)
  .required()
  .description('The grading scale entry with the highest min at or below finalGrade');

export const courseGradesSchema = Joi.object({
  courseId: int.required(),
  gradingScale: gradingScaleSchema.required(),
  students: Joi.array()
    .items(
      Joi.object({
        ...userSummaryFields,
        finalGrade,
        letter,
        graded: int.min(0).required().description('Weighted tests with a result'),
        missing: int.min(0).required().description('Weighted past-dated tests without a result'),
      }).label('StudentGrade'),
    )
    .label('StudentGrades')
    .required(),
}).label('CourseGrades');

export const userGradesSchema = Joi.array()
  .items(
    Joi.object({
      courseId: int.required(),
      courseName: name.required(),
      finalGrade,
      letter,
    }).label('UserCourseGrade'),
  )
  .max(100)
  .label('UserGrades');

export const bulkCountsSchema = Joi.object({
  created: int32.min(0).required().description('Results recorded for the first time'),
  updated: int32.min(0).required().description('Results whose value changed'),
  unchanged: int32.min(0).required().description('Rows with the value already recorded'),
}).label('BulkGradeCounts');

export const historySchema = Joi.array()
  .items(
    Joi.object({
      id: int32.required(),
      testId: int32.required(),
      testResultId: int32.required().description('The result changed (it may since have been deleted)'),
      studentId: int32.required(),
      action: Joi.string().valid('CREATE', 'UPDATE', 'DELETE').required(),
      oldResult: int32.allow(null).required().description('null on CREATE'),
      newResult: int32.allow(null).required().description('null on DELETE'),
      changedBy: int32.allow(null).required().description('Who made the change; null once that user is deleted'),
      changedAt: timestamp.required(),
    }).label('TestResultChange'),
  )
  .max(100)
  .label('TestResultHistory');
