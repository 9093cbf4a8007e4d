/** Two real server processes on one database and Redis (issue 13): `npm run test:instances`. */
/** @type {import('jest').Config} */
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: ['<rootDir>/tests/instances/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 60000,
};
