import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { TargetError } from '../util/errors.js';
import { flashArgv, gdbserverArgv, shellLine } from './command-line.js';
import { ideDevice } from './device.js';

describe('IDE names for the chip found', () => {
  it("DEV_ID 0x413 with 1 MiB: the STM32F4DISCOVERY's STM32F407VG", () => {
    const d = ideDevice({ name: 'STM32F405/407/415/417', devId: 0x413, flashSize: 1024 * 1024 });
    assert.equal(d.part, 'STM32F407VG');
    assert.equal(d.platformioBoard, 'disco_f407vg');
    assert.equal(d.svd, 'STM32F407');
    assert.equal(d.board, 'STM32F4DISCOVERY');
    assert.match(d.basis, /do not tell the part or the package/);
  });

  it('512 KiB: the STM32F407VE; a size the table lacks is a TargetError', () => {
    assert.equal(
      ideDevice({ name: 'F4', devId: 0x413, flashSize: 512 * 1024 }).platformioBoard,
      'genericSTM32F407VET6',
    );
    assert.throws(
      () => ideDevice({ name: 'F4', devId: 0x419, flashSize: 2048 * 1024 }),
      (e: unknown) => e instanceof TargetError && e.code === 'target.no-ide-device',
    );
  });
});

describe('the swdkit command lines', () => {
  it('flash and gdbserver, with --probe when given', () => {
    const inv = { program: 'swdkit', port: 4444, probe: 'usb:066D' };
    assert.deepEqual(flashArgv(inv, 'fw.bin'), ['swdkit', 'flash', '--probe', 'usb:066D', 'fw.bin']);
    assert.deepEqual(gdbserverArgv(inv), ['swdkit', 'gdbserver', '--port', '4444', '--probe', 'usb:066D']);
  });

  it('shell quoting survives sh -c word for word', () => {
    const words = ['plain', 'with space', "it's", '$HOME', 'a"b', 'sim:state=my dir/b.state', ''];
    const out = execFileSync('sh', ['-c', `printf '%s\\n' ${shellLine(words)}`], { encoding: 'utf8' });
    assert.deepEqual(out.split('\n').slice(0, -1), words);
  });
});
