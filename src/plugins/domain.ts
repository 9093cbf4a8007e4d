// Registered by server.ts after authentication: one plugin per grading resource, then the API
// documentation (docsPlugin), which describes them.
import type { Plugin } from '@hapi/hapi';
import { coursesPlugin } from './courses';
import { docsPlugin } from './docs';
import { enrollmentPlugin } from './enrollment';
import { feedbackPlugin } from './feedback';
import { gradebookPlugin } from './gradebook';
import { testResultsPlugin } from './test-results';
import { testsPlugin } from './tests';

export const domainPlugins: Array<Plugin<void>> = [
  coursesPlugin,
  enrollmentPlugin,
  testsPlugin,
  testResultsPlugin,
  gradebookPlugin,
  feedbackPlugin,
  docsPlugin,
];
