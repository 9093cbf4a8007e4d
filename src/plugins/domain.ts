// The grading domain's resource plugins, registered by server.ts after authentication.
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
