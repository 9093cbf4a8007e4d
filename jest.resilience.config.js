/** Resilience suite (issue 5): `npm run test:resilience`. Fuzzing every route, database outage, graceful shutdown. */
/** @type {import('jest').Config} */
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/tests/resilience/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 120000,
};
