/**
 * `swdkit flash` as a user runs it, in-process on `--probe sim:state=FILE` (the chip persists in the
 * file between commands, so what `flash` did is checked with `read`): every image format, every
 * option, bad images (exit 3, flash untouched), faults cut part way (a clear error naming the
 * sectors, then a flash that completes), and the firmware that needs a connect under reset.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readImageFile } from '../../src/flash/image/load.node.js';
import type { Segment } from '../../src/flash/image/types.js';
import { cli, jsonLines, lastJson } from '../support/cli.js';
import { firmwareElf, repoRoot } from '../support/paths.js';

const BLINKY = firmwareElf('blinky');
const BLINKY_HEX = join(repoRoot, 'firmware/bin/blinky.hex');
const BLINKY_BIN = join(repoRoot, 'firmware/bin/blinky.bin');
const SECTOR_0 = 0x0800_0000;
const KiB = 1024;

const dir = mkdtempSync(join(tmpdir(), 'swdkit-flash-'));
let boards = 0;
/** A fresh chip in a new state file, as --probe. */
function newBoard(extra = ''): { probe: string; state: string } {
  const state = join(dir, `board-${++boards}.state`);
  return { state, probe: `sim:state=${state},uptime=0${extra === '' ? '' : `,${extra}`}` };
}

async function readFlash(probe: string, address: number, length: number): Promise<Uint8Array> {
  const r = await cli(['--json', '--probe', probe, 'read', `0x${address.toString(16)}`, String(length)]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  return Buffer.from(String(lastJson(r.stdout)['data']), 'hex');
}

/** Flash holds `segments` exactly. */
async function assertHolds(probe: string, segments: readonly Segment[]): Promise<void> {
  for (const s of segments)
    assert.deepEqual(await readFlash(probe, s.address, s.data.length), Buffer.from(s.data));
}

/** An image in the chip's flash: the first 64 bytes and a later sector, to tell "untouched". */
async function snapshot(probe: string): Promise<Uint8Array[]> {
  return [await readFlash(probe, SECTOR_0, 64), await readFlash(probe, 0x0802_0000, 64)];
}

const blinky = readImageFile(BLINKY).segments;

interface FlashJson {
  event: string;
  format: string;
  flash: { written: number[]; unchanged: number[]; massErase: boolean; verified: string; ramBytes: number };
  reset: { method: string; halted: boolean } | null;
  connect: { method: string; explanation?: string };
}

describe('swdkit flash', () => {
  it('flashes an ELF, verifies it, resets, and says so; read sees it; a re-flash writes nothing', async () => {
    const { probe } = newBoard();
    const r = await cli(['--probe', probe, 'flash', BLINKY]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      /flashed .*blinky\.elf \(ELF, 740 bytes\) to the STM32F4.*: sector 0 written \(x32\), verified \(CRC on the target\)/,
    );
    assert.match(r.stdout, /reset \(sysresetreq\): running/);
    // Without a TTY the phases are plain lines on stderr.
    assert.match(r.stderr, /^erase: 16 KiB \(1 sector, x32\)$/m);
    assert.match(r.stderr, /^program: done in/m);
    await assertHolds(probe, blinky);

    const again = await cli(['--json', '--probe', probe, 'flash', BLINKY]);
    assert.equal(again.status, 0);
    const result = lastJson(again.stdout) as unknown as FlashJson;
    assert.deepEqual(result.flash.written, []);
    assert.deepEqual(result.flash.unchanged, [0]);
  });

  it('Intel HEX, S-record and raw .bin (at 0x08000000 or --address) put the same bytes in flash', async () => {
    const srec = join(dir, 'blinky.srec');
    writeFileSync(srec, toSrec(blinky));
    for (const [file, args] of [
      [BLINKY_HEX, []],
      [srec, []],
      [BLINKY_BIN, []],
    ] as const) {
      const { probe } = newBoard();
      const r = await cli(['--json', '--probe', probe, 'flash', file, ...args]);
      assert.equal(r.status, 0, r.stdout);
      assert.equal((lastJson(r.stdout) as unknown as FlashJson).flash.written[0], 0, file);
      await assertHolds(probe, blinky);
    }
    const { probe } = newBoard();
    const r = await cli(['--json', '--probe', probe, 'flash', BLINKY_BIN, '--address', '0x08020000']);
    assert.equal(r.status, 0, r.stdout);
    const json = lastJson(r.stdout) as unknown as FlashJson;
    assert.equal(json.format, 'bin');
    assert.deepEqual(json.flash.written, [5]);
    assert.deepEqual(await readFlash(probe, 0x0802_0000, 64), readFileSync(BLINKY_BIN).subarray(0, 64));
    // A raw file without the .bin name is raw when --address says where it goes.
    const raw = join(dir, 'blinky.image');
    writeFileSync(raw, readFileSync(BLINKY_BIN));
    const byAddress = await cli(['--probe', newBoard().probe, 'flash', raw, '--address', '0x08000000']);
    assert.equal(byAddress.status, 0, byAddress.stderr);
  });

  it('--address with an image that says where it goes is a usage error; the target is not touched', async () => {
    const r = await cli(['--probe', 'sim:power=off', 'flash', BLINKY, '--address', '0x08000000']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--address is for raw binaries: .* is an ELF file/);
  });

  it('--no-verify, --no-reset, --halt, --full-erase', async () => {
    const { probe } = newBoard();
    const noVerify = lastJson(
      (await cli(['--json', '--probe', probe, 'flash', BLINKY, '--no-verify'])).stdout,
    ) as unknown as FlashJson;
    assert.equal(noVerify.flash.verified, 'no');
    assert.deepEqual(noVerify.reset, { method: 'sysresetreq', halted: false });

    const noReset = await cli(['--probe', probe, 'flash', BLINKY_HEX, '--no-reset', '--full-erase']);
    assert.equal(noReset.status, 0);
    assert.match(noReset.stdout, /mass erase, sector 0 written/);
    assert.match(noReset.stdout, /not reset: the core is halted/);

    const halt = await cli(['--json', '--probe', probe, 'flash', BLINKY, '--halt', '--full-erase']);
    const json = lastJson(halt.stdout) as unknown as FlashJson;
    assert.equal(json.flash.massErase, true);
    assert.deepEqual(json.reset, { method: 'sysresetreq', halted: true });
    assert.ok(jsonLines(halt.stdout).some((l) => l['event'] === 'progress' && l['phase'] === 'erase'));
    await assertHolds(probe, blinky);

    for (const bad of [
      ['--halt', '--no-reset'],
      ['--show-leds', '1', '--no-reset'],
      ['--show-leds', 'x'],
      ['--address', 'nowhere'],
    ]) {
      const r = await cli(['--probe', probe, 'flash', BLINKY_BIN, ...bad]);
      assert.equal(r.status, 2, bad.join(' '));
    }
  });

  it('bad images are bad input (exit 3) and leave flash as it was', async () => {
    const { probe } = newBoard();
    assert.equal((await cli(['--probe', probe, 'flash', BLINKY])).status, 0);
    const before = await snapshot(probe);
    const elf = readFileSync(BLINKY);
    const hex = readFileSync(BLINKY_HEX, 'latin1');
    const corruptElf = Buffer.from(elf);
    corruptElf.writeUInt32LE(0xffff_ff00, 0x1c); // e_phoff far past the end
    const cases: [string, string | Uint8Array, RegExp][] = [
      ['truncated.elf', elf.subarray(0, 0x40), /bad-input\.elf/],
      ['corrupt.elf', corruptElf, /bad-input\.elf/],
      ['truncated.hex', hex.slice(0, hex.length - 20), /bad-input\.ihex/],
      ['checksum.hex', hex.replace(/..(\r?\n)/, 'FF$1'), /bad-input\.ihex/],
      ['truncated.srec', toSrec(blinky).slice(0, 200), /bad-input\.srec/],
      ['not-an-image.txt', 'hello\n', /bad-input\.image-unknown-format/],
      ['outside.hex', ihexAt(0x3000_0000, [1, 2, 3, 4]), /bad-input\.image-outside-memory/],
      ['too-large.bin', new Uint8Array(1024 * KiB + 4), /bad-input\.image-outside-memory/],
    ];
    for (const [name, bytes, code] of cases) {
      const file = join(dir, name);
      writeFileSync(file, bytes);
      const r = await cli(['--json', '-v', '--probe', probe, 'flash', file]);
      assert.equal(r.status, 3, `${name}: ${r.stdout}`);
      const error = (lastJson(r.stdout) as { error: { code: string; message: string } }).error;
      assert.match(error.code, code, name);
    }
    const missing = await cli(['--probe', probe, 'flash', join(dir, 'no-such.elf')]);
    assert.notEqual(missing.status, 0);
    assert.deepEqual(await snapshot(probe), before);
  });

  it('a segment outside flash and RAM names its address, and nothing is written', async () => {
    const { probe } = newBoard();
    const file = join(dir, 'ccm-and-peripheral.hex');
    writeFileSync(file, ihexAt(0x4002_0c14, [0xff, 0xff, 0, 0]));
    const r = await cli(['--probe', probe, 'flash', file]);
    assert.equal(r.status, 3);
    assert.match(r.stderr, /0x40020c14/);
    assert.match(r.stderr, /nothing was written to the target/);
  });

  it('a segment for RAM is written to RAM', async () => {
    const file = join(dir, 'ram.hex');
    writeFileSync(file, ihexAt(0x2000_1000, [0xde, 0xad, 0xbe, 0xef]));
    const r = await cli(['--json', '--probe', newBoard().probe, 'flash', file, '--no-reset']);
    assert.equal(r.status, 0, r.stdout);
    assert.equal((lastJson(r.stdout) as unknown as FlashJson).flash.ramBytes, 4);
  });

  it('on swd-off, standby and stop firmware, auto connect flashes under reset and says why in one line', async () => {
    for (const firmware of ['swd-off', 'standby', 'stop']) {
      const { probe } = newBoard();
      // The chip has been running that firmware for a while (uptime 1 s) when swdkit comes.
      const seeded = probe.replace('uptime=0', `uptime=1,firmware=${firmwareElf(firmware)}`);
      const normal = await cli(['--probe', seeded, '--connect', 'normal', 'flash', BLINKY]);
      assert.equal(normal.status, 5, `${firmware}: ${normal.stderr}`);
      const r = await cli(['--probe', seeded, 'flash', BLINKY]);
      assert.equal(r.status, 0, `${firmware}: ${r.stderr}`);
      const lines = r.stdout.split('\n').filter((l) => l.includes('connected under reset'));
      assert.equal(lines.length, 1, r.stdout);
      assert.match(lines[0] ?? '', /^swdkit: connected under reset: /);
      await assertHolds(probe.replace('uptime=0', 'uptime=1'), blinky);
    }
  });

  it('a USB link cut part way fails with the sectors left behind; the next flash completes and verifies', async () => {
    const image = join(dir, 'two-sectors.bin');
    writeFileSync(image, pattern(20 * KiB));
    for (const [fault, status] of [
      ['cut-link-after=120', 4],
      ['cut-power-after=120', 5],
    ] as const) {
      const { probe } = newBoard();
      const cut = await cli(['--json', '--probe', `${probe},${fault}`, 'flash', image]);
      assert.equal(cut.status, status, `${fault}: ${cut.stdout}`);
      const error = (lastJson(cut.stdout) as { error: { code: string; message: string } }).error;
      assert.equal(error.code.split('.')[1], 'flash-incomplete', error.message);
      assert.match(
        error.message,
        /the image is NOT on the target \(sectors? [\d, ]+ (left erased|partly written)/,
      );
      const next = await cli(['--json', '--probe', probe, 'flash', image]);
      assert.equal(next.status, 0, next.stdout);
      assert.equal((lastJson(next.stdout) as unknown as FlashJson).flash.verified, 'crc');
      assert.deepEqual(await readFlash(probe, SECTOR_0, 20 * KiB), Buffer.from(pattern(20 * KiB)));
    }
  });
});

function pattern(length: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = 0x12345678;
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const hex2 = (n: number): string => n.toString(16).toUpperCase().padStart(2, '0');

/** S3 records (32-bit addresses), 16 bytes each, and an S7 end. */
function toSrec(segments: readonly Segment[]): string {
  const lines = ['S00600004844521B'];
  const record = (type: string, bytes: number[]): string => {
    const count = bytes.length + 1;
    const sum = bytes.reduce((a, b) => a + b, count);
    return `${type}${hex2(count)}${bytes.map(hex2).join('')}${hex2(~sum & 0xff)}`;
  };
  const be32 = (a: number): number[] => [a >>> 24, (a >>> 16) & 0xff, (a >>> 8) & 0xff, a & 0xff];
  for (const s of segments) {
    for (let o = 0; o < s.data.length; o += 16) {
      lines.push(record('S3', [...be32(s.address + o), ...s.data.subarray(o, o + 16)]));
    }
  }
  lines.push(record('S7', be32(segments[0]?.address ?? 0)));
  return `${lines.join('\n')}\n`;
}

/** A minimal Intel HEX file: an extended linear address, one data record, EOF. */
function ihexAt(address: number, data: number[]): string {
  const record = (type: number, offset: number, bytes: number[]): string => {
    const all = [bytes.length, offset >>> 8, offset & 0xff, type, ...bytes];
    const sum = all.reduce((a, b) => a + b, 0);
    return `:${all.map(hex2).join('')}${hex2(-sum & 0xff)}`;
  };
  return `${[record(4, 0, [address >>> 24, (address >>> 16) & 0xff]), record(0, address & 0xffff, data), record(1, 0, [])].join('\n')}\n`;
}
