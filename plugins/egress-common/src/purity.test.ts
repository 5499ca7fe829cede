import * as fs from 'fs';
import { builtinModules } from 'module';
import * as path from 'path';

// The package runs in the browser too: library code may not import Node
// built-ins. Tests, fixtures and test helpers may.
// Every built-in Node knows (fs, fs/promises, zlib, worker_threads, ...), not a hand-kept list.
const BUILTINS = builtinModules.filter(m => !m.startsWith('_')).map(m => m.replace(/[/]/g, '\\/'));
const NODE_ONLY = new RegExp(
  `(?:from\\s+|import\\s+|require\\(\\s*|import\\(\\s*)['"](node:[^'"]+|${BUILTINS.join('|')})['"]`,
);
const TEST_ONLY = /(\.test\.ts$)|(^|\/)(__fixtures__|__golden__|__testUtils__)\//;

function sourceFiles(dir: string, root = dir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full, root);
    return entry.name.endsWith('.ts') ? [path.relative(root, full)] : [];
  });
}

describe('browser safety', () => {
  const files = sourceFiles(__dirname).filter(f => !TEST_ONLY.test(f.split(path.sep).join('/')));

  it('finds the library sources', () => {
    expect(files).toEqual(expect.arrayContaining(['index.ts', 'validation.ts', 'render.ts', 'policy.ts']));
  });

  it.each(files)('%s imports no Node built-in', file => {
    const text = fs.readFileSync(path.join(__dirname, file), 'utf8');
    expect(text).not.toMatch(NODE_ONLY);
    expect(text).not.toMatch(/\bBuffer\b|\bprocess\.env\b|__dirname/);
  });

  it('detects a Node import when there is one', () => {
    expect("import { createHash } from 'node:crypto';").toMatch(NODE_ONLY);
    expect("import * as fs from 'fs';").toMatch(NODE_ONLY);
    expect("const p = require('path');").toMatch(NODE_ONLY);
    expect("import 'fs';").toMatch(NODE_ONLY);
    expect("import * as zlib from 'zlib';").toMatch(NODE_ONLY);
    expect("import { EventEmitter } from 'events';").toMatch(NODE_ONLY);
    expect("import { z } from 'zod';").not.toMatch(NODE_ONLY);
    expect("import { x } from './fs';").not.toMatch(NODE_ONLY);
  });
});
