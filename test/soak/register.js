// Lets `node -r ./test/soak/register.js test/soak/soak.ts` run the project's TypeScript as it is,
// with no build step and no ts-node: each .ts file is transpiled when it is first required, by the
// project's own compiler. transpileModule does no type checking, which is safe here because the
// project compiles with isolatedModules (every file transpiles on its own); `npm run typecheck`
// type-checks the soak with the rest.
'use strict';
const fs = require('fs');
const ts = require('typescript');

const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  esModuleInterop: true,
  inlineSourceMap: true,
};

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), { fileName: filename, compilerOptions });
  module._compile(outputText, filename);
};
