'use strict';
/**
 * Lets plain `node` run this repository's TypeScript (src/, test fixtures) without a build step or
 * ts-node: every `require` of a `.ts` file is transpiled on the fly with `ts.transpileModule`
 * (CommonJS, no type checking — `npm run typecheck` does that). Extension-less imports such as
 * `require('../../src/storage/sqlite')` resolve because `.ts` joins Node's extension list.
 *
 * For tests that need real extra processes (several workers sharing one storage):
 *   child_process.fork(require.resolve('./fixtures/my-worker.ts'), args,
 *     { execArgv: ['-r', require.resolve('../helpers/register-ts.js')] });
 * or from a shell: node -r ./test/helpers/register-ts.js path/to/script.ts
 *
 * Stack traces point at the .ts lines (inline source maps). Loading TypeScript costs a few hundred
 * ms per process, so start workers once and give them several tasks rather than one each.
 */
const fs = require('fs');
const ts = require('typescript');

const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  esModuleInterop: true,
  inlineSourceMap: true,
  inlineSources: true,
};

require.extensions['.ts'] = function compileTs(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { outputText } = ts.transpileModule(source, { fileName: filename, compilerOptions });
  module._compile(outputText, filename);
};

if (typeof process.setSourceMapsEnabled === 'function') process.setSourceMapsEnabled(true);
