// The public surface as text: every name each package entry point exports, with its signature.
// `npm run api:update` writes api/tfjs-tune.api.md; `npm run api:check` (part of `npm run lint`) fails
// when the committed report and the code disagree, so every change to the public surface shows in review.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const reportPath = join(root, 'api', 'tfjs-tune.api.md');

// One row per `exports` subpath in package.json that is code (not ./package.json).
const entries = Object.entries(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).exports)
  .filter(([subpath]) => subpath !== './package.json')
  .map(([subpath, target]) => ({
    subpath: subpath === '.' ? 'tfjs-tune' : `tfjs-tune/${subpath.slice(2)}`,
    source: join(root, target.types.replace(/^\.\/dist\//, '').replace(/\.d\.ts$/, '.ts')),
  }));

const config = ts.getParsedCommandLineOfConfigFile(
  join(root, 'tsconfig.build.json'),
  {},
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  },
);
const program = ts.createProgram(
  entries.map((e) => e.source),
  { ...config.options, noEmit: true },
);
const checker = program.getTypeChecker();
const flags = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseFullyQualifiedType;

/** `import("/abs/path/src/x").Name` -> `Name`: the report must not depend on where the repo lives. */
function clean(text) {
  return text.replace(/import\("[^"]*"\)\./g, '').replace(/\s+/g, ' ');
}

function typeText(type, node) {
  return clean(checker.typeToString(type, node, flags));
}

function isHidden(decl) {
  const mods = ts.getCombinedModifierFlags(decl);
  if (mods & ts.ModifierFlags.Private) return true;
  const name = decl.name;
  return Boolean(name && ts.isPrivateIdentifier(name));
}

function memberLines(symbol, indent) {
  const lines = [];
  const members = [...(symbol.members?.values() ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  for (const member of members) {
    const decl = member.declarations?.[0];
    if (!decl || isHidden(decl) || member.name === '__constructor') continue;
    const mods = ts.getCombinedModifierFlags(decl);
    const prefix = [
      mods & ts.ModifierFlags.Protected ? 'protected ' : '',
      mods & ts.ModifierFlags.Static ? 'static ' : '',
      mods & ts.ModifierFlags.Readonly ? 'readonly ' : '',
    ].join('');
    const optional = member.flags & ts.SymbolFlags.Optional ? '?' : '';
    const type = checker.getTypeOfSymbolAtLocation(member, decl);
    if (member.flags & ts.SymbolFlags.Method) {
      for (const sig of type.getCallSignatures()) {
        lines.push(`${indent}${prefix}${member.name}${optional}${clean(checker.signatureToString(sig, decl, flags))}`);
      }
    } else if (member.flags & ts.SymbolFlags.GetAccessor) {
      lines.push(`${indent}${prefix}get ${member.name}: ${typeText(type, decl)}`);
    } else {
      lines.push(`${indent}${prefix}${member.name}${optional}: ${typeText(type, decl)}`);
    }
  }
  return lines;
}

function classLines(name, symbol, decl) {
  const type = checker.getTypeOfSymbolAtLocation(symbol, decl);
  const heritage = (decl.heritageClauses ?? []).map((h) => ` ${clean(h.getText())}`).join('');
  const lines = [`class ${name}${heritage}`];
  for (const sig of type.getConstructSignatures()) {
    const d = sig.getDeclaration();
    if (d && isHidden(d)) continue;
    lines.push(`  constructor${clean(checker.signatureToString(sig, decl, flags)).replace(/: [^:]*$/, '')}`);
  }
  lines.push(...memberLines(symbol, '  '));
  // Static members live on the constructor's symbol exports.
  for (const member of [...(symbol.exports?.values() ?? [])].sort((a, b) => a.name.localeCompare(b.name))) {
    const d = member.declarations?.[0];
    if (!d || isHidden(d) || member.name === 'prototype') continue;
    lines.push(`  static ${member.name}: ${typeText(checker.getTypeOfSymbolAtLocation(member, d), d)}`);
  }
  return lines;
}

function describe(qualified, symbol) {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const decls = target.declarations ?? [];
  const lines = [];
  for (const decl of decls) {
    if (ts.isSourceFile(decl) || ts.isModuleDeclaration(decl)) continue;
    if (ts.isClassDeclaration(decl)) lines.push(...classLines(qualified, target, decl));
    else if (ts.isInterfaceDeclaration(decl)) {
      const heritage = (decl.heritageClauses ?? []).map((h) => ` ${clean(h.getText())}`).join('');
      const params = decl.typeParameters ? `<${decl.typeParameters.map((p) => p.getText()).join(', ')}>` : '';
      lines.push(`interface ${qualified}${params}${heritage}`, ...memberLines(target, '  '));
    } else if (ts.isTypeAliasDeclaration(decl)) {
      const params = decl.typeParameters ? `<${decl.typeParameters.map((p) => p.getText()).join(', ')}>` : '';
      lines.push(`type ${qualified}${params} = ${clean(decl.type.getText())}`);
    } else if (ts.isFunctionDeclaration(decl)) {
      const sig = checker.getSignatureFromDeclaration(decl);
      lines.push(`function ${qualified}${clean(checker.signatureToString(sig, decl, flags))}`);
    } else if (ts.isVariableDeclaration(decl)) {
      lines.push(`const ${qualified}: ${typeText(checker.getTypeOfSymbolAtLocation(target, decl), decl)}`);
    } else if (ts.isEnumDeclaration(decl)) {
      lines.push(`enum ${qualified} { ${decl.members.map((m) => m.name.getText()).join(', ')} }`);
    } else {
      lines.push(`${ts.SyntaxKind[decl.kind]} ${qualified}`);
    }
  }
  // A namespace re-export (`export * as samplers from './samplers'`) is a module: list what it holds.
  const moduleDecl = decls.find((d) => ts.isSourceFile(d));
  if (moduleDecl) {
    const inner = checker.getExportsOfModule(target).sort((a, b) => a.name.localeCompare(b.name));
    lines.push(`namespace ${qualified} (${relative(root, moduleDecl.fileName)})`);
    for (const s of inner) lines.push(...describe(`${qualified}.${s.name}`, s));
  }
  return lines;
}

export function buildReport() {
  const out = [
    '# tfjs-tune API report',
    '',
    'Generated by `npm run api:update` (scripts/api-report.mjs); `npm run lint` fails when it is stale.',
    'Every name here is public: a user may rely on it, and changing it is a breaking change.',
  ];
  for (const entry of entries) {
    const file = program.getSourceFile(entry.source);
    if (!file) throw new Error(`api-report: entry point ${relative(root, entry.source)} not found`);
    const symbols = checker
      .getExportsOfModule(checker.getSymbolAtLocation(file))
      .sort((a, b) => a.name.localeCompare(b.name));
    out.push('', `## ${entry.subpath}`, '', '```ts');
    for (const s of symbols) out.push(...describe(s.name, s));
    out.push('```');
  }
  return `${out.join('\n')}\n`;
}

const mode = process.argv[2];
const report = buildReport();
if (mode === '--update') {
  mkdirSync(dirname(reportPath), { recursive: true });
  writeFileSync(reportPath, report);
  console.log(`api-report: wrote ${relative(root, reportPath)}`);
} else {
  let committed = '';
  try {
    committed = readFileSync(reportPath, 'utf8');
  } catch {
    // missing: reported below as a difference
  }
  if (committed !== report) {
    const a = committed.split('\n');
    const b = report.split('\n');
    const removed = a.filter((l) => !b.includes(l));
    const added = b.filter((l) => !a.includes(l));
    console.error(`api-report: the public API differs from ${relative(root, reportPath)}.`);
    for (const l of removed.slice(0, 40)) console.error(`- ${l}`);
    for (const l of added.slice(0, 40)) console.error(`+ ${l}`);
    console.error('If the change is intended, run `npm run api:update` and commit the report.');
    process.exit(1);
  }
  console.log('api-report: public API matches the committed report');
}
