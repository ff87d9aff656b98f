/**
 * The source tree as the architecture tests see it: files of src/ (generated code aside), their relative imports
 * (static, type-only, re-exports and dynamic `import()`), and the layer of each file.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export type Layer =
  | 'cli'
  | 'demo'
  | 'publish'
  | 'audit'
  | 'serve'
  | 'render'
  | 'bucket'
  | 'discovery'
  | 'store'
  | 'confluent'
  | 'base'
  | 'simulator';

/** What each layer may import besides itself; docs/architecture.md draws the same arrows. */
export const ALLOWED: Record<Layer, readonly Layer[]> = {
  cli: [
    'demo',
    'publish',
    'audit',
    'serve',
    'render',
    'bucket',
    'discovery',
    'store',
    'confluent',
    'base',
    'simulator',
  ],
  demo: [
    'publish',
    'audit',
    'serve',
    'render',
    'bucket',
    'discovery',
    'store',
    'confluent',
    'base',
    'simulator',
  ],
  publish: ['render', 'bucket', 'discovery', 'store', 'confluent', 'base'],
  audit: ['render', 'bucket', 'discovery', 'store', 'base'],
  serve: ['render', 'bucket', 'store', 'base'],
  render: ['bucket', 'discovery', 'base'],
  bucket: ['store', 'base'],
  discovery: ['confluent', 'base'],
  store: ['base'],
  confluent: ['base'],
  base: [],
  simulator: ['base'],
};

const TOP_FILES: Record<string, Layer> = {
  'src/cli.ts': 'cli',
  'src/config-parts.ts': 'cli',
  'src/demo.ts': 'demo',
  'src/command.ts': 'base',
  'src/errors.ts': 'base',
  'src/log.ts': 'base',
  'src/log-config.ts': 'base',
  'src/version.ts': 'base',
};

const FOLDERS: Record<string, Layer> = {
  publish: 'publish',
  audit: 'audit',
  serve: 'serve',
  render: 'render',
  bucket: 'bucket',
  discovery: 'discovery',
  store: 'store',
  confluent: 'confluent',
  config: 'base',
  simulator: 'simulator',
};

export function layerOf(file: string): Layer | undefined {
  const top = TOP_FILES[file];
  if (top) return top;
  const folder = /^src\/([^/]+)\//.exec(file)?.[1];
  return folder === undefined ? undefined : FOLDERS[folder];
}

/** Every .ts file under src/ but generated code, as a repository-relative path. */
export function sourceFiles(dir = 'src'): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (entry.name !== 'generated') out.push(...sourceFiles(rel));
    } else if (entry.name.endsWith('.ts')) out.push(rel);
  }
  return out.sort();
}

const IMPORT_RE =
  /(?:^|\n)\s*(?:import|export)\b[^'"`;]*?\bfrom\s+'(\.[^']+)'|\bimport\(\s*'(\.[^']+)'\s*\)/g;

/** file → the files of src/ it imports (generated files included as targets, so they count as their folder). */
export function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles()) {
    const text = readFileSync(path.join(ROOT, file), 'utf8');
    const targets = new Set<string>();
    for (const m of text.matchAll(IMPORT_RE)) {
      const spec = m[1] ?? m[2];
      if (spec === undefined) continue;
      const resolved = path.posix
        .normalize(path.posix.join(path.posix.dirname(file), spec))
        .replace(/\.js$/, '.ts');
      if (!resolved.includes('/generated/')) targets.add(resolved);
    }
    graph.set(file, [...targets].sort());
  }
  return graph;
}
