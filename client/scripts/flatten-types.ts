/**
 * Writes the route types of client/src/routes.ts out in full: plain TypeScript with every zod type resolved to the
 * structure it stands for (objects, unions, literals, arrays), so the built package's declarations need no zod and
 * none of the project's schemas. The TypeScript checker does the resolving; this only prints what it resolved.
 */
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const SOURCE = fileURLToPath(new URL('../src/routes.ts', import.meta.url));

const F = ts.TypeFlags;
const PRIMITIVE =
  F.String |
  F.Number |
  F.Boolean |
  F.BigInt |
  F.StringLiteral |
  F.NumberLiteral |
  F.BooleanLiteral |
  F.BigIntLiteral |
  F.Undefined |
  F.Null |
  F.Void |
  F.ESSymbol;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const propertyName = (name: string) => (IDENTIFIER.test(name) ? name : JSON.stringify(name));

/** The text of `client/src/routes.ts` with `ApiRoutes` written out in full. */
export function flattenedRouteTypes(): string {
  const program = ts.createProgram([SOURCE], {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    skipLibCheck: true,
    noEmit: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(SOURCE)!;
  const problems = ts.getPreEmitDiagnostics(program, source);
  if (problems.length > 0) throw new Error(ts.formatDiagnostics(problems, ts.createCompilerHost({})));
  const alias = source.statements.find((s): s is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(s) && s.name.text === 'ApiRoutes');
  if (!alias) throw new Error('client/src/routes.ts no longer declares ApiRoutes');

  const print = (type: ts.Type, indent: string, path: readonly ts.Type[]): string => {
    if (path.includes(type)) throw new Error(`recursive type at ${checker.typeToString(type)}: not supported`);
    const inner = [...path, type];
    if (type.isUnion()) {
      const parts = type.types;
      const hasTrue = parts.some((t) => t.flags & ts.TypeFlags.BooleanLiteral && checker.typeToString(t) === 'true');
      const hasFalse = parts.some((t) => t.flags & ts.TypeFlags.BooleanLiteral && checker.typeToString(t) === 'false');
      const rest = parts.filter((t) => !(hasTrue && hasFalse && t.flags & ts.TypeFlags.BooleanLiteral));
      const printed = [...(hasTrue && hasFalse ? ['boolean'] : []), ...rest.map((t) => print(t, indent, inner))];
      return [...new Set(printed)].join(' | ');
    }
    if (type.isIntersection()) return type.types.map((t) => print(t, indent, inner)).join(' & ');
    if (type.flags & (PRIMITIVE | ts.TypeFlags.Unknown | ts.TypeFlags.Any | ts.TypeFlags.Never | ts.TypeFlags.TemplateLiteral)) {
      return checker.typeToString(type);
    }
    if (checker.isArrayType(type)) {
      const element = print(checker.getTypeArguments(type as ts.TypeReference)[0]!, indent, inner);
      return /[ |&]/.test(element) ? `(${element})[]` : `${element}[]`;
    }
    if (checker.isTupleType(type)) {
      return `[${checker
        .getTypeArguments(type as ts.TypeReference)
        .map((t) => print(t, indent, inner))
        .join(', ')}]`;
    }
    const declared = (type.aliasSymbol ?? type.getSymbol())?.declarations?.[0]?.getSourceFile();
    // A type of the standard library (Uint8Array) stays a name: every consumer has it.
    if (declared && program.isSourceFileDefaultLibrary(declared)) return checker.typeToString(type);
    if (type.flags & ts.TypeFlags.Object) {
      if (type.getCallSignatures().length > 0) throw new Error(`a function type in the API contract: ${checker.typeToString(type)}`);
      const next = `${indent}  `;
      const lines: string[] = [];
      for (const info of checker.getIndexInfosOfType(type)) {
        lines.push(`${next}[key: ${checker.typeToString(info.keyType)}]: ${print(info.type, next, inner)};`);
      }
      for (const property of checker.getPropertiesOfType(type)) {
        const declaration = property.valueDeclaration ?? property.declarations?.[0];
        const optional = property.flags & ts.SymbolFlags.Optional ? '?' : '';
        const readonly = declaration && ts.getCombinedModifierFlags(declaration) & ts.ModifierFlags.Readonly ? 'readonly ' : '';
        const doc = ts.displayPartsToString(property.getDocumentationComment(checker));
        // The contract's own words only (not RouteShape's notes on params/query/body, repeated on every route).
        if (doc && declaration?.getSourceFile() !== source) lines.push(`${next}/** ${doc.replace(/\*\//g, '*\\/').replace(/\n/g, ' ')} */`);
        const propertyType = checker.getTypeOfSymbol(property);
        lines.push(`${next}${readonly}${propertyName(property.name)}${optional}: ${print(propertyType, next, inner)};`);
      }
      return lines.length === 0 ? 'Record<string, never>' : `{\n${lines.join('\n')}\n${indent}}`;
    }
    throw new Error(`cannot write out ${checker.typeToString(type)}`);
  };

  const text = source.getFullText();
  const flat = `export type ApiRoutes = ${print(checker.getTypeAtLocation(alias.name), '', [])};\n`;
  const header = '// Written by client/scripts/flatten-types.ts from schemas/api.ts: do not edit.\n';
  // Keep the module's other declarations (RouteKey...) and drop what needed zod: its imports and the helper types.
  const kept = source.statements
    .filter((s) => ts.isTypeAliasDeclaration(s) && s.name.text === 'RouteKey')
    .map((s) => text.slice(s.getFullStart(), s.getEnd()).replace('keyof Contract', 'keyof ApiRoutes').trim());
  return `${header}\n${flat}\n${kept.join('\n\n')}\n`;
}
