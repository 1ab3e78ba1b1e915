/**
 * Checks the import structure of lib/ (npm run check:imports, part of npm test):
 * - no import cycle between files, counting imports that exist at run time;
 * - no import cycle between folders (lib/<folder>), counting imports that exist at run time;
 * - prints the folders in layer order (type imports count too) and every `import type` that points
 *   up a layer, i.e. closes a folder cycle (allowed: types vanish at run time, but each is listed).
 * Uses the TypeScript compiler's own parser, so `import type` and `import { type X }` are told apart.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(import.meta.dirname, '..', 'lib');

interface Edge { from: string; to: string; typeOnly: boolean }

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

function importsOf(file: string): Edge[] {
  const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const edges: Edge[] = [];
  const add = (spec: string, typeOnly: boolean): void => {
    if (!spec.startsWith('.')) return;
    const to = path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts'));
    if (to.startsWith(ROOT)) edges.push({ from: file, to, typeOnly });
  };
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
      const clause = st.importClause;
      const allTypes = clause !== undefined && (clause.isTypeOnly || (clause.name === undefined && clause.namedBindings !== undefined
        && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0
        && clause.namedBindings.elements.every((el) => el.isTypeOnly)));
      add(st.moduleSpecifier.text, allTypes);
    } else if (ts.isExportDeclaration(st) && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier)) {
      add(st.moduleSpecifier.text, st.isTypeOnly);
    }
  }
  // Dynamic import('…') loads at run time too.
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword && n.arguments[0] && ts.isStringLiteral(n.arguments[0])) add(n.arguments[0].text, false);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return edges;
}

const folderOf = (file: string): string => path.relative(ROOT, file).split(path.sep).slice(0, -1)[0] ?? '.';
const rel = (file: string): string => path.relative(path.dirname(ROOT), file);

/** Strongly connected components with more than one node (Tarjan). */
function cycles(nodes: string[], next: (n: string) => Iterable<string>): string[][] {
  let index = 0;
  const idx = new Map<string, number>(); const low = new Map<string, number>();
  const stack: string[] = []; const on = new Set<string>(); const out: string[][] = [];
  const strong = (v: string): void => {
    idx.set(v, index); low.set(v, index); index++; stack.push(v); on.add(v);
    for (const w of next(v)) {
      if (!idx.has(w)) { strong(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      for (;;) { const w = stack.pop()!; on.delete(w); comp.push(w); if (w === v) break; }
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const n of nodes) if (!idx.has(n)) strong(n);
  return out;
}

const files = sourceFiles(ROOT);
const edges = files.flatMap(importsOf);
const runtime = edges.filter((e) => !e.typeOnly);

const fileNext = new Map<string, Set<string>>();
for (const e of runtime) (fileNext.get(e.from) ?? fileNext.set(e.from, new Set()).get(e.from)!).add(e.to);
const fileCycles = cycles(files, (f) => fileNext.get(f) ?? []);

const folders = [...new Set(files.map(folderOf))].sort();
const folderNext = new Map<string, Set<string>>();
for (const e of runtime) {
  const a = folderOf(e.from); const b = folderOf(e.to);
  if (a !== b) (folderNext.get(a) ?? folderNext.set(a, new Set()).get(a)!).add(b);
}
const folderCycles = cycles(folders, (f) => folderNext.get(f) ?? []);

// Layers: every import counts, except type-only imports that close a folder cycle ("upward").
const reaches = (from: string, to: string, seen = new Set<string>()): boolean => {
  if (from === to) return true;
  if (seen.has(from)) return false;
  seen.add(from);
  return [...(folderNext.get(from) ?? [])].some((g) => reaches(g, to, seen));
};
// A type-only import a -> b is upward when b already reaches a at run time.
const closesCycle = (e: Edge): boolean => e.typeOnly && reaches(folderOf(e.to), folderOf(e.from));
const upward = edges.filter((e) => folderOf(e.from) !== folderOf(e.to) && closesCycle(e));
const layerNext = new Map<string, Set<string>>();
for (const e of edges) {
  const a = folderOf(e.from); const b = folderOf(e.to);
  if (a !== b && !closesCycle(e)) (layerNext.get(a) ?? layerNext.set(a, new Set()).get(a)!).add(b);
}
// Layer = longest import path below a folder (0 = imports no other folder).
const layer = new Map<string, number>();
const depth = (f: string, seen = new Set<string>()): number => {
  if (layer.has(f)) return layer.get(f)!;
  if (seen.has(f)) return 0;
  seen.add(f);
  const d = Math.max(-1, ...[...(layerNext.get(f) ?? [])].map((g) => depth(g, seen))) + 1;
  layer.set(f, d);
  return d;
};
for (const f of folders) depth(f);

const byLayer = new Map<number, string[]>();
for (const f of folders) (byLayer.get(layer.get(f)!) ?? byLayer.set(layer.get(f)!, []).get(layer.get(f)!)!).push(f);
for (const l of [...byLayer.keys()].sort((a, b) => b - a)) console.log(`layer ${l}: ${byLayer.get(l)!.join(', ')}`);
console.log(`${files.length} files, ${runtime.length} run-time imports, ${edges.length - runtime.length} type-only imports`);
for (const e of upward) console.log(`type-only import up a layer: ${rel(e.from)} -> ${rel(e.to)}`);
for (const c of folderCycles) console.log(`FOLDER CYCLE: ${c.join(' <-> ')}`);
for (const c of fileCycles) console.log(`FILE CYCLE: ${c.map(rel).join(' <-> ')}`);
if (fileCycles.length > 0 || folderCycles.length > 0) process.exit(1);
console.log('no import cycles between files or folders');
