/**
 * The layering of docs/architecture.md, checked against the code: every import of a file in src/ points at a
 * layer its own layer may use, and no two files import each other (directly or through others, types included).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ALLOWED, importGraph, layerOf } from '../../helpers/source-tree.js';

const graph = importGraph();

test('every file of src/ belongs to a layer', () => {
  const unplaced = [...graph.keys()].filter((f) => layerOf(f) === undefined);
  assert.equal(unplaced, []);
});

test('imports point only down the layers (docs/architecture.md)', () => {
  const wrong: string[] = [];
  for (const [from, targets] of graph) {
    const a = layerOf(from);
    if (a === undefined) continue;
    for (const to of targets) {
      const b = layerOf(to);
      if (b !== undefined && b !== a && !ALLOWED[a].includes(b)) wrong.push(`${from} (${a}) -> ${to} (${b})`);
    }
  }
  assert.equal(wrong, []);
});

test('product code never imports the simulator, and the simulator imports only the base layer', () => {
  const wrong: string[] = [];
  for (const [from, targets] of graph) {
    for (const to of targets) {
      const fromSim = from.startsWith('src/simulator/');
      const toSim = to.startsWith('src/simulator/');
      if (!fromSim && toSim && from !== 'src/demo.ts' && from !== 'src/cli.ts')
        wrong.push(`${from} -> ${to}`);
      if (fromSim && !toSim && layerOf(to) !== 'base') wrong.push(`${from} -> ${to}`);
    }
  }
  assert.equal(wrong, []);
});

test('no import cycles between files of src/', () => {
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next].join(' -> '));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  assert.equal(cycles, []);
});

test.run();
