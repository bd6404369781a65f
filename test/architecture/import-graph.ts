import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

/** The repository's root, as every path in a graph is written relative to it. */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** The folders whose files make up the graph (packages/<name>/src for every package). */
export const GRAPH_ROOTS = ['packages/*/src', 'bench', 'test'] as const;

const SKIPPED_FOLDERS = new Set(['node_modules', 'results', '.stitch-data', '.cache']);
const SOURCE_FILE = /\.tsx?$/;

/** One import of a file: where it leads, and whether it can matter at run time. */
export interface ImportEdge {
  /** The imported file, relative to the repository's root. */
  to: string;
  /** `import type` / `export type` (or every named binding marked `type`): erased, never evaluated. */
  typeOnly: boolean;
  /** `import('…')`: loaded when reached, not when the importer is evaluated. */
  dynamic: boolean;
}

/** Every source file (relative to the root) with the repository files it imports; packages outside the repository are left out. */
export type ImportGraph = Map<string, ImportEdge[]>;

/** The graph of the files under `GRAPH_ROOTS` (or the given folders, relative to the root). */
export function importGraph(folders: readonly string[] = expandRoots(GRAPH_ROOTS)): ImportGraph {
  const entries = packageEntries();
  const graph: ImportGraph = new Map();
  for (const folder of folders) {
    for (const file of sourceFilesUnder(folder)) graph.set(file, importsOf(file, entries));
  }
  return graph;
}

/** Files that import each other, directly or through others: every file reaches every other. */
export interface ImportCycle {
  /** Sorted. */
  files: string[];
  /** One way round, from the first file back to it by a shortest path: where to start cutting. */
  example: string[];
}

/** The import cycles, one per strongly connected set of files (Tarjan's algorithm). `include` chooses the edges that count. */
export function importCycles(graph: ImportGraph, include: (edge: ImportEdge) => boolean = () => true): ImportCycle[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const successors = (file: string) => (graph.get(file) ?? []).filter((edge) => include(edge) && graph.has(edge.to)).map((edge) => edge.to);

  // Iterative, so a long chain of imports cannot overflow the call stack.
  for (const root of [...graph.keys()].sort()) {
    if (index.has(root)) continue;
    const work: Array<{ file: string; next: string[] }> = [];
    const enter = (file: string) => {
      index.set(file, counter);
      low.set(file, counter);
      counter += 1;
      stack.push(file);
      onStack.add(file);
      work.push({ file, next: successors(file) });
    };
    enter(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const to = frame.next.shift();
      if (to !== undefined) {
        if (!index.has(to)) enter(to);
        else if (onStack.has(to)) low.set(frame.file, Math.min(low.get(frame.file)!, index.get(to)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.file, Math.min(low.get(parent.file)!, low.get(frame.file)!));
      if (low.get(frame.file) !== index.get(frame.file)) continue;
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.file);
      const selfImport = component.length === 1 && successors(frame.file).includes(frame.file);
      if (component.length > 1 || selfImport) components.push(component);
    }
  }
  return components
    .map((component) => ({ files: component.sort(), example: cyclePath(component, successors) }))
    .sort((a, b) => a.files[0]!.localeCompare(b.files[0]!));
}

/** One concrete cycle through a strongly connected set: from its smallest file back to it, by a shortest path. */
function cyclePath(component: string[], successors: (file: string) => string[]): string[] {
  const members = new Set(component);
  const start = [...component].sort()[0]!;
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const to of successors(file)) {
      if (!members.has(to)) continue;
      if (to === start) {
        const path = [start];
        for (let at: string | undefined = file; at !== undefined && at !== start; at = cameFrom.get(at)) path.splice(1, 0, at);
        return [...path, start];
      }
      if (cameFrom.has(to)) continue;
      cameFrom.set(to, file);
      queue.push(to);
    }
  }
  return [...component, component[0]!];
}

function expandRoots(roots: readonly string[]): string[] {
  return roots.flatMap((root) => {
    if (!root.startsWith('packages/*/')) return [root];
    const rest = root.slice('packages/*/'.length);
    return readdirSync(join(REPO_ROOT, 'packages')).map((name) => join('packages', name, rest)).filter((folder) => existsSync(join(REPO_ROOT, folder)));
  });
}

/** Source files under a folder (relative to the repository's root, as the paths returned). */
export function sourceFilesUnder(folder: string, sourceFile: RegExp = SOURCE_FILE): string[] {
  if (!existsSync(join(REPO_ROOT, folder))) return [];
  return readdirSync(join(REPO_ROOT, folder), { withFileTypes: true }).flatMap((entry) => {
    if (SKIPPED_FOLDERS.has(entry.name)) return [];
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory()) return sourceFilesUnder(path, sourceFile);
    return sourceFile.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every module a file names: static imports, re-exports and dynamic imports. */
export function specifiersOf(file: string): string[] {
  return parsedImports(file).map((imported) => imported.specifier);
}

/** `@stitch/<name>` and its subpaths → the files their package.json `exports` name. */
function packageEntries(): Map<string, string> {
  const entries = new Map<string, string>();
  for (const name of readdirSync(join(REPO_ROOT, 'packages'))) {
    const manifest = join(REPO_ROOT, 'packages', name, 'package.json');
    if (!existsSync(manifest)) continue;
    const { name: packageName, exports } = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string; exports?: Record<string, unknown> };
    for (const [subpath, target] of Object.entries(exports ?? {})) {
      const file = typeof target === 'string' ? target : (target as { import?: string; default?: string }).import ?? (target as { default?: string }).default;
      if (file === undefined) continue;
      entries.set(subpath === '.' ? packageName : `${packageName}${subpath.slice(1)}`, relative(REPO_ROOT, join(REPO_ROOT, 'packages', name, file)));
    }
  }
  return entries;
}

function importsOf(file: string, entries: Map<string, string>): ImportEdge[] {
  return parsedImports(file).flatMap(({ specifier, typeOnly, dynamic }) => {
    const to = specifier.startsWith('.') ? relative(REPO_ROOT, resolve(REPO_ROOT, dirname(file), specifier)) : entries.get(specifier);
    return to === undefined ? [] : [{ to, typeOnly, dynamic }];
  });
}

function parsedImports(file: string): Array<{ specifier: string; typeOnly: boolean; dynamic: boolean }> {
  const source = ts.createSourceFile(file, readFileSync(join(REPO_ROOT, file), 'utf8'), ts.ScriptTarget.Latest, false, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: Array<{ specifier: string; typeOnly: boolean; dynamic: boolean }> = [];
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: isTypeOnly(node), dynamic: false });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteralLike(node.arguments[0])) {
      found.push({ specifier: node.arguments[0].text, typeOnly: false, dynamic: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * Erased when compiled. With `verbatimModuleSyntax` (our tsconfig), `import { type A }` is kept as
 * `import {} from`, which still evaluates the module: only a declaration-level `type` is erased.
 */
function isTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) return node.isTypeOnly;
  return node.importClause?.isTypeOnly ?? false;
}

// `node --import tsx test/architecture/import-graph.ts` lists the cycles.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const cycles = importCycles(importGraph());
  for (const cycle of cycles) console.log(`${cycle.files.length} files: ${cycle.files.join(', ')}\n  ${cycle.example.join('\n  → ')}\n`);
  console.log(`${cycles.length} file-level import cycles`);
}
