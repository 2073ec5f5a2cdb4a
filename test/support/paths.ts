/**
 * Repository paths for tests. Tests run both from TypeScript (`tsx`, test/...) and compiled
 * (dist/test/...), so the root is found by walking up to swdkit's package.json rather than by a fixed
 * number of `..`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
      if (name === 'swdkit') return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the swdkit repository root above test/support');
    dir = parent;
  }
}

export const repoRoot = findRepoRoot();

/**
 * A built test firmware image, e.g. `firmwareElf('cpu-suite-O2')`: firmware/bin/<name>.elf, or
 * $SWDKIT_FIRMWARE_DIR/<name>.elf when that is set (to try a rebuilt firmware without replacing it).
 */
export function firmwareElf(name: string): string {
  const dir = process.env['SWDKIT_FIRMWARE_DIR'];
  return join(dir !== undefined && dir !== '' ? dir : join(repoRoot, 'firmware', 'bin'), `${name}.elf`);
}

/** A file under test/fixtures (the source tree, also when running compiled from dist/). */
export function fixturePath(name: string): string {
  return join(repoRoot, 'test', 'fixtures', name);
}
