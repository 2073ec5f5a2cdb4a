/**
 * Peer discovery for tests that run real programs (QEMU, gdb-multiarch, OpenOCD, the ARM toolchain).
 *
 * A missing peer skips the test locally, with a message that says how to install it; under `CI=true` it
 * fails the test with the same message, so CI can never pass by silently skipping.
 *
 *     const qemu = requirePeer(t, 'qemu-system-arm', { package: 'qemu-system-arm' });
 *     if (qemu === undefined) return; // skipped
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { TestContext } from 'node:test';
import { firmwareElf } from './paths.js';

export interface PeerOptions {
  /** The Debian package that provides the program. */
  readonly package: string;
}

/** True when running under CI (CI=true or CI=1), where missing peers are failures, not skips. */
export function isCi(): boolean {
  const ci = process.env['CI'];
  return ci === 'true' || ci === '1';
}

/** The absolute path of an executable found on PATH, or undefined. */
export function findProgram(name: string): string | undefined {
  if (name.includes('/')) return isExecutable(name) ? name : undefined;
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Skips the test with `message`, or fails it (throws) under CI. */
export function unavailable(t: TestContext, message: string): void {
  if (isCi()) throw new Error(`${message} (CI=true: a missing peer is a failure, not a skip)`);
  t.skip(message);
}

/** The path of `program`, or undefined after skipping the test (failing it under CI). */
export function requirePeer(t: TestContext, program: string, options: PeerOptions): string | undefined {
  const path = findProgram(program);
  if (path !== undefined) return path;
  unavailable(t, `${program} is not installed; install it with: sudo apt-get install -y ${options.package}`);
  return undefined;
}

/**
 * The path of a file a test needs that another part of the build produces (e.g. firmware ELFs), or
 * undefined after skipping the test (failing it under CI) with `hint`.
 */
export function requireFile(t: TestContext, path: string, hint: string): string | undefined {
  if (existsSync(path)) return path;
  unavailable(t, `${path} does not exist; ${hint}`);
  return undefined;
}

/** gdb-multiarch's path, when it and the named test firmware ELFs are all there (else skipped or failed). */
export function requireGdbAndFirmware(t: TestContext, firmware: readonly string[]): string | undefined {
  const gdb = requirePeer(t, 'gdb-multiarch', { package: 'gdb-multiarch' });
  if (gdb === undefined) return undefined;
  for (const name of firmware) {
    if (requireFile(t, firmwareElf(name), 'build the test firmware with `make -C firmware`') === undefined)
      return undefined;
  }
  return gdb;
}
