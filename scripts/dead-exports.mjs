#!/usr/bin/env node
// Dead-export check (issue 14): lists every export of a non-spec source file that no other file imports.
//
//   node scripts/dead-exports.mjs [--project tsconfig.json] [--allow scripts/dead-exports.allow] [--verbose]
//
// Prints `path:line name` per dead export (paths relative to the tsconfig's folder) and exits 1 if there is any.
// Uses are found with the type checker, not by text: `import {X as Y}`, `import type`, default and namespace imports
// (`ns.X`), `import('m')` (destructured names, else every export), `import('m').T` types and `require('m')`.
// Re-exports are not uses: a name re-exported by a barrel (`export {X} from`, `export *`, `import {X}; export {X}`)
// is used only when some file imports it from the barrel (or from the file itself). The barrel's own re-export is
// reported too when nobody imports that name through it, and an `export * from './m'` through which nothing is
// imported is reported as `* from './m'`. Uses inside the declaring file do not count: such an `export` is dead.
// Spec files (*.spec.ts) are consumers only. Never dead: apps/*/src/main.ts, bench/*.bench.ts, files under a
// testing/ folder that specs reach through imports, and `path#name` lines of the allowlist (`#` starts a comment).
// --verbose appends why: (unused), (used only in its own file), or (re-export not imported through here).
/* global console */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import ts from 'typescript';

const started = performance.now();
const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const projectFile = path.resolve(option('--project') ?? 'tsconfig.json');
const root = path.dirname(projectFile);
const allowFile = path.resolve(root, option('--allow') ?? 'scripts/dead-exports.allow');
const verbose = args.includes('--verbose');

const config = ts.getParsedCommandLineOfConfigFile(
  projectFile,
  {},
  {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  },
);
// Only the project's own files matter: packages are left unresolved (and @types unloaded), which keeps this fast.
const options = { ...config.options, noEmit: true, types: [] };
const host = ts.createCompilerHost(options, true);
const resolutionCache = ts.createModuleResolutionCache(root, (name) => name, options);
const isProjectFile = (fileName) => !fileName.includes('/node_modules/') && !fileName.endsWith('.d.ts');
host.resolveModuleNameLiterals = (literals, containingFile, redirectedReference, compilerOptions) =>
  literals.map((literal) => {
    const { resolvedModule } = ts.resolveModuleName(
      literal.text,
      containingFile,
      compilerOptions,
      host,
      resolutionCache,
      redirectedReference,
    );
    return {
      resolvedModule: resolvedModule && isProjectFile(resolvedModule.resolvedFileName) ? resolvedModule : undefined,
    };
  });
const program = ts.createProgram({ rootNames: config.fileNames, options, host });
const checker = program.getTypeChecker();

const rel = (fileName) => path.relative(root, fileName).split(path.sep).join('/');
const isSpec = (fileName) => fileName.endsWith('.spec.ts');
const isEntry = (relPath) => /^apps\/[^/]+\/src\/main\.ts$/.test(relPath) || /^bench\/[^/]+\.bench\.ts$/.test(relPath);
const isTesting = (relPath) => /(^|\/)testing\//.test(relPath);
const rootNames = new Set(config.fileNames);
const projectFiles = program.getSourceFiles().filter((sf) => !sf.isDeclarationFile && rootNames.has(sf.fileName));
const inProject = new Set(projectFiles.map((sf) => sf.fileName));

/** The project source file a module specifier (string literal) resolves to, if any. */
function resolveModule(specifier, fromFile) {
  let fileName;
  const symbol = checker.getSymbolAtLocation(specifier);
  const declaration = symbol?.valueDeclaration ?? symbol?.declarations?.[0];
  if (declaration && ts.isSourceFile(declaration)) fileName = declaration.fileName;
  else if (!symbol) {
    const resolved = ts.resolveModuleName(specifier.text, fromFile.fileName, options, host, resolutionCache);
    fileName = resolved.resolvedModule?.resolvedFileName;
  }
  return fileName && inProject.has(fileName) ? program.getSourceFile(fileName) : undefined;
}

const lineOf = (node) => node.getSourceFile().getLineAndCharacterOfPosition(node.getStart()).line + 1;
const hasModifier = (node, kind) =>
  ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);

// ---- What every file exports, and where each exported name comes from. ----
/** fileName -> Map(exported name -> entries); an entry is { file, line, name, kind, target?, targetName?, node? }. */
const exportsByFile = new Map();
/** fileName -> the file's `export * from` statements: { file, line, name, kind: 'star', target }. */
const starsByFile = new Map();

function bindingNames(name, out = []) {
  if (ts.isIdentifier(name)) out.push(name);
  else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bindingNames(element.name, out);
  return out;
}

function collectExports(sf) {
  const named = new Map();
  const stars = [];
  const add = (entry) => {
    const list = named.get(entry.name) ?? [];
    list.push(entry);
    named.set(entry.name, list);
  };
  const local = (nameNode, exportedName, declaration) =>
    add({ file: sf.fileName, line: lineOf(nameNode), name: exportedName, kind: 'local', node: declaration, nameNode });
  for (const statement of sf.statements) {
    if (ts.isExportDeclaration(statement)) {
      const target = statement.moduleSpecifier && resolveModule(statement.moduleSpecifier, sf);
      const clause = statement.exportClause;
      if (!clause) {
        stars.push({
          file: sf.fileName,
          line: lineOf(statement),
          name: `* from ${statement.moduleSpecifier.getText(sf)}`,
          kind: 'star',
          target,
        });
      } else if (ts.isNamespaceExport(clause)) {
        add({ file: sf.fileName, line: lineOf(clause), name: clause.name.text, kind: 'namespace', target });
      } else {
        for (const specifier of clause.elements) {
          const name = specifier.name.text;
          const line = lineOf(specifier);
          if (statement.moduleSpecifier) {
            const targetName = (specifier.propertyName ?? specifier.name).text;
            add({ file: sf.fileName, line, name, kind: 'reexport', target, targetName });
            continue;
          }
          // `export { a as b }` without `from`: a local declaration, or an import passed on (a barrel).
          const localTarget = checker.getExportSpecifierLocalTargetSymbol(specifier);
          const declaration = localTarget?.declarations?.[0];
          if (localTarget && localTarget.flags & ts.SymbolFlags.Alias && declaration?.getSourceFile() === sf) {
            const importDeclaration = ts.findAncestor(declaration, ts.isImportDeclaration);
            const from = importDeclaration && resolveModule(importDeclaration.moduleSpecifier, sf);
            if (ts.isNamespaceImport(declaration))
              add({ file: sf.fileName, line, name, kind: 'namespace', target: from });
            else if (ts.isImportClause(declaration))
              add({ file: sf.fileName, line, name, kind: 'reexport', target: from, targetName: 'default' });
            else if (ts.isImportSpecifier(declaration))
              add({
                file: sf.fileName,
                line,
                name,
                kind: 'reexport',
                target: from,
                targetName: (declaration.propertyName ?? declaration.name).text,
              });
            else add({ file: sf.fileName, line, name, kind: 'reexport' }); // import x = require(...): external
          } else {
            add({ file: sf.fileName, line, name, kind: 'local', node: declaration, nameNode: specifier.name });
          }
        }
      }
    } else if (ts.isExportAssignment(statement)) {
      if (!statement.isExportEquals) local(statement, 'default', statement);
    } else if (hasModifier(statement, ts.SyntaxKind.ExportKeyword)) {
      const isDefault = hasModifier(statement, ts.SyntaxKind.DefaultKeyword);
      if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations)
          for (const id of bindingNames(declaration.name)) local(id, id.text, declaration);
      } else if (statement.name && (ts.isIdentifier(statement.name) || ts.isStringLiteral(statement.name))) {
        local(statement.name, isDefault ? 'default' : statement.name.text, statement);
      } else if (isDefault) {
        local(statement, 'default', statement);
      }
    }
  }
  exportsByFile.set(sf.fileName, named);
  starsByFile.set(sf.fileName, stars);
}

for (const sf of projectFiles) collectExports(sf);

// ---- Uses: a name imported from a module marks that module's export, and through re-exports the original. ----
const marked = new Set();
const namesCache = new Map();
function exportedNames(sf) {
  let names = namesCache.get(sf.fileName);
  if (!names) {
    const moduleSymbol = checker.getSymbolAtLocation(sf);
    names = new Set(moduleSymbol ? checker.getExportsOfModule(moduleSymbol).map((s) => s.escapedName.toString()) : []);
    namesCache.set(sf.fileName, names);
  }
  return names;
}

function mark(sf, name) {
  if (!sf) return;
  const key = `${sf.fileName}\0${name}`;
  if (marked.has(key)) return;
  marked.add(key);
  const entries = exportsByFile.get(sf.fileName)?.get(name);
  if (entries) {
    for (const entry of entries) {
      entry.used = true;
      if (entry.kind === 'reexport') mark(entry.target, entry.targetName);
      else if (entry.kind === 'namespace') markAll(entry.target);
    }
    return;
  }
  if (name === 'default') return; // `export *` never passes a default on
  for (const star of starsByFile.get(sf.fileName) ?? []) {
    if (star.target && exportedNames(star.target).has(name)) {
      star.used = true;
      mark(star.target, name);
    }
  }
}

function markAll(sf) {
  if (sf) for (const name of exportedNames(sf)) mark(sf, name);
}

/** Which files each file imports or re-exports from (to find the testing/ files specs reach). */
const dependencies = new Map();

function collectUses(sf) {
  const deps = new Set();
  dependencies.set(sf.fileName, deps);
  const use = (target, name) => {
    if (!target) return;
    deps.add(target.fileName);
    if (target === sf) return; // a file's use of itself is not an external use
    if (name === undefined) markAll(target);
    else mark(target, name);
  };

  // Imports passed on by `export { x }` only: the barrel's re-export, not a use (marked when the barrel's is).
  const referencedOutsideExports = new Set();
  const namespaceImports = new Map(); // local name -> { symbol, target }
  const visit = (node) => {
    if (ts.isIdentifier(node) && !ts.findAncestor(node, (n) => ts.isImportDeclaration(n) || ts.isExportSpecifier(n)))
      referencedOutsideExports.add(node.text);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  const isUsed = (identifier) => referencedOutsideExports.has(identifier.text);

  for (const statement of sf.statements) {
    if (ts.isImportDeclaration(statement)) {
      const target = resolveModule(statement.moduleSpecifier, sf);
      const clause = statement.importClause;
      if (!target) continue;
      deps.add(target.fileName);
      if (!clause) continue; // side-effect import
      if (clause.name && isUsed(clause.name)) use(target, 'default');
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) {
        for (const specifier of bindings.elements)
          if (isUsed(specifier.name)) use(target, (specifier.propertyName ?? specifier.name).text);
      } else if (bindings && ts.isNamespaceImport(bindings)) {
        namespaceImports.set(bindings.name.text, { symbol: checker.getSymbolAtLocation(bindings.name), target });
      }
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier) {
      const target = resolveModule(statement.moduleSpecifier, sf);
      if (target) deps.add(target.fileName);
    } else if (ts.isImportEqualsDeclaration(statement) && ts.isExternalModuleReference(statement.moduleReference)) {
      const { expression } = statement.moduleReference;
      if (ts.isStringLiteral(expression)) use(resolveModule(expression, sf));
    }
  }

  const walk = (node) => {
    if (ts.isIdentifier(node) && namespaceImports.has(node.text)) {
      const { symbol, target } = namespaceImports.get(node.text);
      const parent = node.parent;
      const isDeclaration = ts.isNamespaceImport(parent) || ts.isExportSpecifier(parent);
      if (
        !isDeclaration &&
        (checker.getSymbolAtLocation(node) === symbol || ts.isShorthandPropertyAssignment(parent))
      ) {
        if (ts.isPropertyAccessExpression(parent) && parent.expression === node) use(target, parent.name.text);
        else if (ts.isQualifiedName(parent) && parent.left === node) use(target, parent.right.text);
        else use(target);
      }
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const target = resolveModule(node.argument.literal, sf);
      if (node.qualifier) {
        let first = node.qualifier;
        while (ts.isQualifiedName(first)) first = first.left;
        use(target, first.text);
      } else use(target);
    } else if (ts.isCallExpression(node) && node.arguments.length > 0 && ts.isStringLiteralLike(node.arguments[0])) {
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire =
        (ts.isIdentifier(node.expression) && node.expression.text === 'require') ||
        (ts.isPropertyAccessExpression(node.expression) && node.expression.getText(sf) === 'jest.requireActual');
      if (isImport || isRequire) {
        const target = resolveModule(node.arguments[0], sf);
        const names = isImport ? destructuredNames(node) : undefined;
        if (names) for (const name of names) use(target, name);
        else use(target);
      }
    }
    ts.forEachChild(node, walk);
  };
  walk(sf);
}

/** `const { a, b: c } = await import('m')` or `(await import('m')).a`: the names taken; undefined for all. */
function destructuredNames(call) {
  let node = call;
  while (ts.isAwaitExpression(node.parent) || ts.isParenthesizedExpression(node.parent)) node = node.parent;
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.expression === node) return [parent.name.text];
  if (ts.isVariableDeclaration(parent) && parent.initializer === node && ts.isObjectBindingPattern(parent.name)) {
    const names = [];
    for (const element of parent.name.elements) {
      const key = element.propertyName ?? element.name;
      if (element.dotDotDotToken || !(ts.isIdentifier(key) || ts.isStringLiteral(key))) return undefined;
      names.push(key.text);
    }
    return names;
  }
  return undefined;
}

for (const sf of projectFiles) collectUses(sf);

// ---- Entry points: testing/ files that specs reach; allowlist. ----
const reachedFromSpecs = new Set();
const queue = projectFiles.filter((sf) => isSpec(sf.fileName)).map((sf) => sf.fileName);
while (queue.length > 0) {
  const fileName = queue.pop();
  for (const dep of dependencies.get(fileName) ?? [])
    if (!reachedFromSpecs.has(dep)) {
      reachedFromSpecs.add(dep);
      queue.push(dep);
    }
}

const allowed = new Set();
if (fs.existsSync(allowFile)) {
  for (const raw of fs.readFileSync(allowFile, 'utf8').split('\n')) {
    const line = raw.trim();
    if (line && !line.startsWith('#')) allowed.add(line);
  }
}
const allowUsed = new Set();

// ---- Report. ----
function usedInOwnFile(entry) {
  if (entry.kind !== 'local' || !entry.nameNode || !ts.isIdentifier(entry.nameNode)) return false;
  const sf = entry.nameNode.getSourceFile();
  const symbol = checker.getSymbolAtLocation(entry.nameNode);
  if (!symbol) return false;
  const targets = new Set([symbol, symbol.exportSymbol, checker.getExportSymbolOfSymbol(symbol)].filter(Boolean));
  let found = false;
  const visit = (node) => {
    if (found) return;
    if (ts.isIdentifier(node) && node !== entry.nameNode && node.text === entry.nameNode.text) {
      const at = checker.getSymbolAtLocation(node);
      if (at && (targets.has(at) || targets.has(at.exportSymbol) || targets.has(checker.getExportSymbolOfSymbol(at))))
        found = !ts.isExportSpecifier(node.parent);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

const dead = [];
for (const sf of projectFiles) {
  const relPath = rel(sf.fileName);
  if (isSpec(sf.fileName) || isEntry(relPath)) continue;
  if (isTesting(relPath) && reachedFromSpecs.has(sf.fileName)) continue;
  const entries = [...exportsByFile.get(sf.fileName).values()].flat().concat(starsByFile.get(sf.fileName));
  const seen = new Set();
  for (const entry of entries) {
    const key = `${relPath}#${entry.name}`;
    if (entry.used || seen.has(key)) continue;
    seen.add(key);
    if (allowed.has(key)) {
      allowUsed.add(key);
      continue;
    }
    let why = '';
    if (verbose) {
      if (entry.kind === 'local') why = usedInOwnFile(entry) ? ' (used only in its own file)' : ' (unused)';
      else why = ' (re-export not imported through here)';
    }
    dead.push({ relPath, line: entry.line, text: `${relPath}:${entry.line} ${entry.name}${why}` });
  }
}
dead.sort((a, b) => (a.relPath === b.relPath ? a.line - b.line : a.relPath < b.relPath ? -1 : 1));
for (const { text } of dead) console.log(text);

for (const key of allowed)
  if (!allowUsed.has(key)) console.error(`dead-exports: allowlist entry ${key} matches no dead export (stale?)`);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.error(`dead-exports: ${dead.length} dead export(s) in ${projectFiles.length} files, ${seconds} s`);
process.exitCode = dead.length > 0 ? 1 : 0;
