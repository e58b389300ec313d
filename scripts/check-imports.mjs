#!/usr/bin/env node
// Part of `npm run lint`: checks the import graph of the TypeScript sources (relative imports of
// src/, electron/, tools/, renderer/, scripts/ and e2e/, type-only imports included: a circle of
// types is still two modules that cannot be understood apart).
//   1. No import circles.
//   2. What runs (RUNTIME_SOURCES: the entries scripts/build.mjs compiles) never reaches tools/: the
//      model compiler is build-time tooling, and the engine only verifies its output.
// It parses with the TypeScript compiler API (already a devDependency); nothing is type-checked.
//   node scripts/check-imports.mjs [--root DIR --entry FILE…]   (another tree and its entries: the check's own test)
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import ts from 'typescript';
import { RUNTIME_SOURCES } from './build.mjs';

const { values } = parseArgs({
  options: { root: { type: 'string' }, entry: { type: 'string', multiple: true } },
});
const entries = values.entry ?? RUNTIME_SOURCES;
const ROOT = values.root
  ? path.resolve(values.root)
  : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FOLDERS = ['src', 'electron', 'tools', 'renderer', 'scripts', 'e2e'];

function sourceFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'dist') out.push(...sourceFiles(p));
    } else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function resolveImport(from, specifier) {
  if (!specifier.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')]) {
    if (/\.tsx?$/.test(candidate) && existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** Relative imports and re-exports of one file, `import('…')` included. */
function importsOf(file) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const found = [];
  const visit = (node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found.map((s) => resolveImport(file, s)).filter((f) => f !== null);
}

const rel = (file) => path.relative(ROOT, file).split(path.sep).join('/');
const graph = new Map();
for (const folder of FOLDERS) {
  const dir = path.join(ROOT, folder);
  if (!existsSync(dir)) continue;
  for (const file of sourceFiles(dir)) graph.set(rel(file), [...new Set(importsOf(file).map(rel))]);
}

/** Strongly connected components with more than one file (Tarjan), each as a sorted list. */
function circles() {
  let index = 0;
  const stack = [];
  const info = new Map();
  const found = [];
  const connect = (v) => {
    info.set(v, { index, low: index, onStack: true });
    index++;
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!info.has(w)) {
        connect(w);
        info.get(v).low = Math.min(info.get(v).low, info.get(w).low);
      } else if (info.get(w).onStack) info.get(v).low = Math.min(info.get(v).low, info.get(w).index);
    }
    if (info.get(v).low === info.get(v).index) {
      const component = [];
      let w;
      do {
        w = stack.pop();
        info.get(w).onStack = false;
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!info.has(v)) connect(v);
  return found;
}

/** One concrete loop through a component, for the message. */
function loopThrough(component) {
  const members = new Set(component);
  const start = component[0];
  const previous = new Map([[start, null]]);
  const queue = [start];
  while (queue.length) {
    const v = queue.shift();
    for (const w of graph.get(v) ?? []) {
      if (w === start) {
        const loop = [start];
        for (let at = v; at !== start; at = previous.get(at)) loop.splice(1, 0, at);
        return [...loop, start].join(' -> ');
      }
      if (members.has(w) && !previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return component.join(', ');
}

function reachableFrom(entries) {
  const seen = new Map(entries.map((e) => [e, null]));
  const queue = [...entries];
  while (queue.length) {
    const v = queue.shift();
    for (const w of graph.get(v) ?? []) {
      if (!seen.has(w)) {
        seen.set(w, v);
        queue.push(w);
      }
    }
  }
  return seen;
}

const problems = [];
for (const component of circles()) problems.push(`import circle: ${loopThrough(component)}`);

const reached = reachableFrom(entries.filter((e) => graph.has(e)));
for (const missing of entries.filter((e) => !graph.has(e))) problems.push(`entry ${missing} does not exist`);
for (const [file] of reached) {
  if (!file.startsWith('tools/')) continue;
  const chain = [file];
  for (let at = reached.get(file); at !== null; at = reached.get(at)) chain.unshift(at);
  problems.push(`run-time code reaches build tooling: ${chain.join(' -> ')}`);
}

if (problems.length) {
  for (const p of problems) console.error(`check-imports: ${p}`);
  process.exit(1);
}
const runtimeFiles = [...reached.keys()].length;
console.log(
  `check-imports: ${graph.size} files, no import circles; ${runtimeFiles} run-time files, none in tools/`,
);
