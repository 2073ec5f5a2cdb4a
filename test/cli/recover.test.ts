/**
 * `swdkit recover` on the virtual board (state files, driven only through the probe): it refuses
 * without consent and changes nothing; with --yes it brings back a board whose firmware takes the SWD
 * pins (or went to RDP level 1) so that a plain connect works again; --backup keeps the flash first.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readImageFile } from '../../src/flash/image/load.node.js';
import { cli, lastJson } from '../support/cli.js';
import { firmwareElf } from '../support/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'swdkit-recover-'));
let boards = 0;

async function board(firmware: string): Promise<{ probe: string; state: string }> {
  const state = join(dir, `board-${++boards}.state`);
  const r = await cli(['--probe', `sim:state=${state},firmware=${firmwareElf(firmware)}`, 'info']);
  assert.equal(r.status, 0, r.stderr);
  return { probe: `sim:state=${state}`, state };
}

async function firstCode(probe: string): Promise<string> {
  const r = await cli(['--json', '--probe', probe, 'doctor']);
  const diagnoses = lastJson(r.stdout)['diagnoses'] as { code: string }[];
  return diagnoses[0]?.code ?? '';
}

describe('swdkit recover', () => {
  it('without --yes and no terminal: refuses (exit 6), says what it would destroy, changes nothing', async () => {
    const { probe, state } = await board('swd-off');
    const before = readFileSync(state);
    const r = await cli(['--probe', probe, 'recover']);
    assert.equal(r.status, 6, r.stderr);
    assert.match(r.stderr, /about to destroy: all 1024 KiB of flash .* will be ERASED — it holds a program/);
    assert.deepEqual(readFileSync(state), before);
  });

  it('swd-off: connects under reset, erases, and a plain connect works again', async () => {
    const { probe } = await board('swd-off');
    assert.equal(await firstCode(probe), 'firmware-disables-swd-pins');
    const r = await cli(['--json', '--probe', probe, '--yes', 'recover']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const result = lastJson(r.stdout);
    assert.equal(result['connectsNormally'], true);
    assert.equal(result['rdpBefore'], 0);
    const info = await cli(['--json', '--probe', probe, '--connect', 'normal', 'info']);
    assert.equal(info.status, 0, info.stderr);
    assert.equal(await firstCode(probe), 'flash-empty');
  });

  it('rdp1: RDP 1 → 0 (which erases), then level 0 and empty flash', async () => {
    const { probe } = await board('rdp1');
    assert.equal((await cli(['--probe', probe, 'reset'])).status, 0);
    assert.equal(await firstCode(probe), 'read-protected');
    const r = await cli(['--json', '--probe', probe, '--yes', 'recover']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.equal(lastJson(r.stdout)['rdpBefore'], 1);
    const options = lastJson((await cli(['--json', '--probe', probe, 'options'])).stdout);
    assert.equal(options['rdpLevel'], 0);
    assert.equal(await firstCode(probe), 'flash-empty');
  });

  it('--backup FILE: the whole flash as it was, before the erase', async () => {
    const { probe } = await board('swd-off');
    const backup = join(dir, 'backup.bin');
    const r = await cli(['--probe', probe, '--yes', 'recover', '--backup', backup]);
    assert.equal(r.status, 0, r.stderr);
    const saved = readFileSync(backup);
    assert.equal(saved.length, 1024 * 1024);
    for (const segment of readImageFile(firmwareElf('swd-off')).segments) {
      const offset = segment.address - 0x0800_0000;
      assert.deepEqual(saved.subarray(offset, offset + segment.data.length), Buffer.from(segment.data));
    }
  });

  it('--backup on a read-protected chip: refuses, nothing erased', async () => {
    const { probe, state } = await board('rdp1');
    assert.equal((await cli(['--probe', probe, 'reset'])).status, 0);
    const before = readFileSync(state);
    const r = await cli(['--probe', probe, '--yes', 'recover', '--backup', join(dir, 'none.bin')]);
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stderr, /nothing readable to back up/);
    assert.deepEqual(readFileSync(state), before);
  });
});
