/**
 * The package as a user gets it: `npm pack`, the tarball installed into a scratch directory, each
 * public entry point imported from there, and the tarball's file list checked (no test code, no
 * build state).
 *
 * Packing runs on a staging copy of the package (package.json, README, bin/, dist/) rather than the
 * checkout itself, for two reasons: npm pack then writes nothing into the checkout, and files a
 * developer's dist/ still holds from sources since moved or deleted (tsc never removes them) are left
 * out, so the test sees what a fresh build ships. Everything else — the "files" list, the exports map —
 * is the checkout's own. `npm test` builds first, so dist/ is current.
 *
 * The install is offline. npm's cache does not hold swdkit's dependencies here (npm install --offline
 * stops with ENOTCACHED), so the tarball is unpacked into node_modules/swdkit and each of its declared
 * dependencies, and only those, is linked from this checkout's node_modules: an import of an
 * undeclared package still fails, as it would for a user.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot } from '../support/paths.js';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

interface PackResult {
  readonly filename: string;
  readonly files: readonly { readonly path: string }[];
}

/** A dist/ file still has a source: dist/src/a/b.js, b.d.ts, b.js.map, b.d.ts.map ← src/a/b.ts. */
function hasSource(distRelative: string): boolean {
  const stem = distRelative.replace(/(\.d)?\.(js|ts)(\.map)?$/, '');
  return existsSync(join(repoRoot, `${stem}.ts`));
}

function stage(into: string): void {
  for (const name of ['package.json', 'README.md', 'bin'])
    cpSync(join(repoRoot, name), join(into, name), { recursive: true });
  cpSync(join(repoRoot, 'dist'), join(into, 'dist'), {
    recursive: true,
    filter: (source) => {
      const relative = source.slice(join(repoRoot, 'dist').length + 1);
      if (relative === '' || !/\.(js|ts|map)$/.test(relative)) return true; // directories, .tsbuildinfo
      return hasSource(relative);
    },
  });
}

/**
 * Every `node:` module and every `*.node.js` edge file reached through the static imports of `entry`,
 * as "file → module".
 */
function nodeImports(entry: string, root: string): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/^\s*(?:import|export)\b[^'";]*?(?:from\s*)?['"]([^'"]+)['"]/gm)) {
      const specifier = match[1] ?? '';
      const edge = specifier.startsWith('.') && /\.node\.js$/.test(specifier);
      if (specifier.startsWith('node:') || edge) found.push(`${file.slice(root.length + 1)} → ${specifier}`);
      if (specifier.startsWith('.')) visit(join(dirname(file), specifier));
    }
  };
  visit(entry);
  return found;
}

function runNode(cwd: string, script: string): string {
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe('the npm package', () => {
  const work = mkdtempSync(join(tmpdir(), 'swdkit-pack-'));
  const staging = join(work, 'staging');
  const scratch = join(work, 'scratch');
  let packed: PackResult;

  before(() => {
    mkdirSync(staging);
    stage(staging);
    const out = execFileSync(NPM, ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
      cwd: staging,
      encoding: 'utf8',
    });
    const results = JSON.parse(out) as PackResult[];
    assert.equal(results.length, 1);
    packed = results[0]!;

    const installed = join(scratch, 'node_modules', 'swdkit');
    mkdirSync(installed, { recursive: true });
    writeFileSync(
      join(scratch, 'package.json'),
      JSON.stringify({ name: 'scratch', private: true, type: 'module' }),
    );
    execFileSync('tar', ['-xzf', join(work, packed.filename), '-C', installed, '--strip-components=1']);
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    for (const dependency of Object.keys(manifest.dependencies ?? {})) {
      const link = join(scratch, 'node_modules', dependency);
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(join(repoRoot, 'node_modules', dependency), link, 'dir');
    }
  });

  after(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it('ships no test code, no test helpers and no build state', () => {
    const paths = packed.files.map((f) => f.path);
    assert.ok(paths.length > 50, `only ${paths.length} files packed`);
    const offending = paths.filter(
      (p) =>
        /(^|\/)testing(\/|\.)/.test(p) ||
        /\.test\./.test(p) ||
        p.endsWith('.tsbuildinfo') ||
        /^dist\/(test|bench)\//.test(p) ||
        p.startsWith('test/') ||
        p.startsWith('src/'),
    );
    assert.deepEqual(offending, []);
    for (const expected of [
      'package.json',
      'README.md',
      'bin/swdkit',
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/src/index.node.js',
      'dist/src/sim/index.js',
      'dist/src/cli/main.js',
    ])
      assert.ok(paths.includes(expected), `${expected} is packed`);
  });

  it('every file the exports map names is in the tarball', () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      exports: Record<string, string | Record<string, string>>;
    };
    const paths = new Set(packed.files.map((f) => f.path));
    for (const [entry, target] of Object.entries(manifest.exports)) {
      for (const file of typeof target === 'string' ? [target] : Object.values(target))
        assert.ok(paths.has(file.replace(/^\.\//, '')), `${entry} → ${file}`);
    }
  });

  it('imports the main entry: errors, register and chip facts, codecs, transports, the ST-Link driver, flashing', () => {
    const names = runNode(
      scratch,
      `import * as m from 'swdkit'; console.log(JSON.stringify(Object.keys(m)));`,
    );
    const exported = new Set(JSON.parse(names) as string[]);
    for (const name of [
      'SwdkitError',
      'TargetError',
      'arch',
      'StLinkStatusError',
      'StLinkServerBusyError',
      'encodeCommand',
      'decodeCommand',
      'InProcessTransport',
      'WebUsbTransport',
      'openStLink',
      'StLink',
      'retryWhileWait',
      'elfImage',
      'loadImage',
      'STM32F40X',
      'mainFlashBase',
      'STLINK_USB_MODELS',
      'NO_DATA',
      'placeInFlash',
      'planFlash',
      'flashImage',
      'crc32Mpeg2',
      'Stm32f4Flash',
      'readOptions',
    ])
      assert.ok(exported.has(name), `swdkit exports ${name}`);
    assert.ok(!exported.has('readImageFile'), 'reading files is swdkit/node');
  });

  it('imports the Node entry and the virtual board entry', () => {
    const out = runNode(
      scratch,
      `import * as node from 'swdkit/node'; import * as sim from 'swdkit/sim';
       console.log(JSON.stringify({ node: Object.keys(node), sim: Object.keys(sim) }));`,
    );
    const { node, sim } = JSON.parse(out) as { node: string[]; sim: string[] };
    for (const name of [
      'nodeWebUsb',
      'nodeUsbHost',
      'openStLink',
      'findUsbHolders',
      'connectStLinkServer',
      'startServer',
      'readImageFile',
      'loadState',
      'stlinkServerWire',
    ])
      assert.ok(node.includes(name), `swdkit/node exports ${name}`);
    for (const name of ['DiscoveryBoard', 'BoardRunner', 'VirtualStLinkDevice', 'probeModel'])
      assert.ok(sim.includes(name), `swdkit/sim exports ${name}`);
  });

  it('the entries work together: the driver reaches the virtual probe in-process', () => {
    const out = runNode(
      scratch,
      `import { InProcessTransport, StLink } from 'swdkit';
       import { DiscoveryBoard, VirtualStLinkDevice } from 'swdkit/sim';
       const board = new DiscoveryBoard();
       const stlink = await StLink.open(new InProcessTransport(new VirtualStLinkDevice(board)));
       await stlink.enterSwd();
       console.log(stlink.versionString, (await stlink.read32(0xe000ed00)).toString(16));
       await stlink.close();`,
    );
    assert.equal(out.trim(), 'V2J40M27 410fc241');
  });

  it('the main and virtual-board entries load no node: module and no *.node.js edge (they must bundle for a browser)', () => {
    const installed = join(scratch, 'node_modules', 'swdkit');
    for (const entry of ['dist/src/index.js', 'dist/src/sim/index.js'])
      assert.deepEqual(nodeImports(join(installed, entry), installed), [], entry);
  });

  it('keeps internal modules private and runs the installed CLI', () => {
    assert.throws(
      () => runNode(scratch, `await import('swdkit/dist/src/probe/stlink.js');`),
      /ERR_PACKAGE_PATH_NOT_EXPORTED/,
    );
    const version = execFileSync(
      process.execPath,
      [join(scratch, 'node_modules', 'swdkit', 'bin', 'swdkit'), '--version'],
      {
        encoding: 'utf8',
      },
    );
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    assert.equal(version.trim(), manifest.version);
  });
});
