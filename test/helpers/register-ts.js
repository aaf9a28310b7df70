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
 * Stack traces point at the .ts lines (inline source maps). Transpiling all of src/ takes seconds of
 * CPU per process, and the suite starts dozens of them, so each output is cached on disk under the
 * hash of its source, path and compiler options (a changed file is transpiled anew; the cache
 * lives in the OS temp folder and is safe to delete). Still, start workers once and give them several
 * tasks rather than one each.
 */
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const ts = require('typescript');

const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  esModuleInterop: true,
  inlineSourceMap: true,
  inlineSources: true,
};

const cacheDir = path.join(os.tmpdir(), `tfjs-tune-ts-cache-${ts.version}`);
const optionsKey = JSON.stringify(compilerOptions);

function transpile(source, filename) {
  const key = crypto.createHash('sha256').update(optionsKey).update('\0').update(filename).update('\0').update(source);
  const cached = path.join(cacheDir, `${key.digest('hex')}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    // Not cached yet (or the cache was removed): transpile below.
  }
  const { outputText } = ts.transpileModule(source, { fileName: filename, compilerOptions });
  try {
    // Written under a unique name, then renamed: processes starting together never read half a file.
    fs.mkdirSync(cacheDir, { recursive: true });
    const partial = `${cached}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
    fs.writeFileSync(partial, outputText);
    fs.renameSync(partial, cached);
  } catch {
    // A read-only or full temp folder only costs speed.
  }
  return outputText;
}

require.extensions['.ts'] = function compileTs(module, filename) {
  module._compile(transpile(fs.readFileSync(filename, 'utf8'), filename), filename);
};

if (typeof process.setSourceMapsEnabled === 'function') process.setSourceMapsEnabled(true);
