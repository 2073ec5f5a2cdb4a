import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { usbDeviceNode } from './usb-holders.js';
import { findUsbHolders } from './usb-holders.node.js';

async function fakeProc(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'swdkit-proc-'));
  const proc = async (pid: string, links: string[], cmdline?: string, comm?: string): Promise<void> => {
    await mkdir(join(root, pid, 'fd'), { recursive: true });
    for (const [i, target] of links.entries()) await symlink(target, join(root, pid, 'fd', String(i)));
    if (cmdline !== undefined) await writeFile(join(root, pid, 'cmdline'), cmdline);
    if (comm !== undefined) await writeFile(join(root, pid, 'comm'), comm);
  };
  await proc('100', ['/dev/null', '/dev/bus/usb/001/005'], 'openocd\0-f\0board/stm32f4discovery.cfg\0');
  await proc('200', ['/dev/bus/usb/001/006', 'socket:[1234]'], 'other\0');
  await proc('300', ['/dev/bus/usb/001/005'], '', 'stlink-server\n');
  await proc('400', ['/dev/bus/usb/001/005'], 'swdkit\0list\0');
  await mkdir(join(root, 'self'));
  await writeFile(join(root, 'uptime'), '1 1');
  return root;
}

describe('findUsbHolders (/proc scan)', () => {
  it('spells the usbfs node with three-digit bus and address', () => {
    assert.equal(usbDeviceNode(1, 5), '/dev/bus/usb/001/005');
    assert.equal(usbDeviceNode(12, 123), '/dev/bus/usb/012/123');
  });

  it('finds every process with the node open, with its command line, excluding ourselves', async () => {
    const root = await fakeProc();
    const holders = await findUsbHolders(1, 5, { procRoot: root, excludePid: 400 });
    assert.deepEqual(holders, [
      { pid: 100, cmdline: 'openocd -f board/stm32f4discovery.cfg' },
      { pid: 300, cmdline: 'stlink-server' },
    ]);
  });

  it('finds nobody for a device nobody holds, and copes with a missing /proc', async () => {
    const root = await fakeProc();
    assert.deepEqual(await findUsbHolders(2, 5, { procRoot: root }), []);
    assert.deepEqual(await findUsbHolders(1, 5, { procRoot: join(root, 'absent') }), []);
  });
});
