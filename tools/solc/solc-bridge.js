#!/usr/bin/env node
// A command-line bridge that makes solc-js (the npm `solc` package) answer like the native `solc`
// binary for the two calls py-solc-x, Brownie and Slither make: `--version` and `--standard-json`.
// Imports are resolved the way native solc does: against --base-path, each --include-path, the
// --allow-paths entries and the current directory; remappings are applied by the compiler itself.
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require(path.join(__dirname, '..', '..', 'node_modules', 'solc'));

function writeAll(fd, text) {
  // Write synchronously and completely before the process ends: a pipe takes 64 KiB at a time.
  const buffer = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < buffer.length) {
    try {
      offset += fs.writeSync(fd, buffer, offset, buffer.length - offset);
    } catch (error) {
      if (error.code !== 'EAGAIN') throw error;
    }
  }
}

function parseArgs(argv) {
  const options = { roots: [], standardJson: false, version: false, inputFile: null };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const takeValue = () => {
      const [, inline] = arg.split(/=(.*)/s);
      if (inline !== undefined) return inline;
      i += 1;
      return argv[i];
    };
    if (arg === '--version' || arg === '-v') options.version = true;
    else if (arg === '--standard-json') options.standardJson = true;
    else if (arg.startsWith('--base-path') || arg.startsWith('--include-path')) options.roots.push(takeValue());
    else if (arg.startsWith('--allow-paths')) options.roots.push(...takeValue().split(','));
    else if (!arg.startsWith('-')) options.inputFile = arg;
  }
  options.roots.push(process.cwd());
  return options;
}

function nativeVersionString() {
  // solc-js reports e.g. "0.8.28+commit.7893614a.Emscripten.clang"; native solc prints this banner.
  return `solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`;
}

function findImport(roots) {
  return (importPath) => {
    const candidates = path.isAbsolute(importPath)
      ? [importPath]
      : roots.filter(Boolean).map((root) => path.resolve(root, importPath));
    for (const candidate of candidates) {
      if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) {
        return { contents: fs.readFileSync(candidate, 'utf8') };
      }
    }
    return { error: `File not found: ${importPath} (searched ${roots.join(', ')})` };
  };
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.version) {
    writeAll(1, nativeVersionString());
    return 0;
  }
  if (!options.standardJson) {
    writeAll(2, 'solc-bridge: only --version and --standard-json are supported\n');
    return 2;
  }
  const input = fs.readFileSync(options.inputFile || 0, 'utf8');
  const output = solc.compile(input, { import: findImport(options.roots) });
  writeAll(1, output);
  return 0;
}

process.exitCode = main();
