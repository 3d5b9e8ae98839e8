/**
 * What of a module's public surface has no doc comment, by the TypeScript compiler's own reading:
 * every export (followed through re-exports), and the methods of exported classes and interfaces
 * that are neither private, protected nor `@internal` — the kinds `npm run docs` (typedoc.json,
 * `requiredToBeDocumented`) requires, so the API reference has no blank entry.
 */
import ts from 'typescript';

/** `Name` or `Name.method` for each export (or public method) of `entry` without a doc comment, sorted. */
export function undocumentedExports(entry: string): string[] {
  const program = ts.createProgram([entry], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    strict: true,
    skipLibCheck: true,
    types: ['node'],
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  const module = source === undefined ? undefined : checker.getSymbolAtLocation(source);
  if (module === undefined) throw new Error(`${entry} is not a module TypeScript can read`);
  const missing: string[] = [];
  for (const exported of checker.getExportsOfModule(module)) {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    if (!documented(symbol, checker)) missing.push(exported.name);
    if (symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface)) {
      for (const member of publicMethods(symbol)) {
        if (!documented(member, checker)) missing.push(`${exported.name}.${member.name}`);
      }
    }
  }
  return missing.sort();
}

function documented(symbol: ts.Symbol, checker: ts.TypeChecker): boolean {
  return symbol.getDocumentationComment(checker).some((part) => part.text.trim() !== '');
}

/** The methods a user of the class or interface sees: declared on it, not private, protected or @internal. */
function publicMethods(symbol: ts.Symbol): ts.Symbol[] {
  const members = symbol.members === undefined ? [] : [...symbol.members.values()];
  return members.filter((member) => {
    if (!(member.flags & ts.SymbolFlags.Method)) return false;
    return (member.declarations ?? []).every((declaration) => {
      const modifiers = ts.getCombinedModifierFlags(declaration);
      if (modifiers & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) return false;
      if (ts.isPrivateIdentifier((declaration as ts.MethodDeclaration).name)) return false;
      return !ts.getJSDocTags(declaration).some((tag) => tag.tagName.text === 'internal');
    });
  });
}
