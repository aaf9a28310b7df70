/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // Type-checking is `npm run typecheck`'s job; transpiling per file keeps the suite fast on 2 cores.
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 60000,
  collectCoverageFrom: ['src/**/*.ts', 'models/**/*.ts', 'datasets/**/*.ts', '!src/cli/bin.ts'],
  // The floor rises with the project and is never lowered (measured 2026-11-25: lines 91.8,
  // statements 89.8, functions 85.3, branches 72.0).
  coverageThreshold: {
    global: { lines: 88, statements: 86, functions: 82, branches: 68 },
  },
};
