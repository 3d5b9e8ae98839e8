// Issue 13, point 6: every symbol the package exports (operators/index.ts) has a doc comment, and
// so do the public methods of its classes and interfaces, so the API reference (`npm run docs`,
// TypeDoc) has no blank entry. The check itself is shown to catch each kind of gap on a fixture.
import { join } from 'node:path';
import { undocumentedExports } from './undocumented';

const ROOT = join(__dirname, '..', '..');

describe('doc comments of the public API', () => {
  it('every export of the package, and every public method of its classes and interfaces, has one', () => {
    expect(undocumentedExports(join(ROOT, 'operators', 'index.ts'))).toEqual([]);
  }, 120_000);

  it('the check names what lacks one: an export, an interface, a method (not private or @internal ones)', () => {
    expect(undocumentedExports(join(__dirname, 'fixtures', 'undocumented.ts'))).toEqual(['Bare', 'Shape.area', 'Tool.run', 'bare']);
  }, 120_000);
});
