import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SwdkitError } from '../../util/errors.js';
import { FakeUsb, FakeUsbDevice } from '../../../test/support/fake-webusb.js';
import { ScriptedDevice } from '../../../test/support/scripted-device.js';
import { STLINK_USB_MODELS, stLinkUsbModel } from '../../protocol/usb-ids.js';
import { udevRules } from './udev.js';
import { heldBy, openStLink } from './node-usb.node.js';
import { busAndAddress, classifyUsbError, findStLinks } from './webusb-transport.js';

const cmd = (...head: number[]): Uint8Array => {
  const c = new Uint8Array(16);
  c.set(head);
  return c;
};

const rejectsWith = async (promise: Promise<unknown>, code: string): Promise<SwdkitError> => {
  let caught: unknown;
  await assert.rejects(promise, (e: unknown) => {
    caught = e;
    return e instanceof SwdkitError && e.code === code;
  });
  return caught as SwdkitError;
};

const setup = (options: ConstructorParameters<typeof FakeUsbDevice>[1] = {}) => {
  const probe = new ScriptedDevice();
  const usb = new FakeUsbDevice(probe, { bus: '1-4', address: 5, ...options });
  return { probe, usb, webusb: new FakeUsb([usb]) };
};

describe('ST-Link USB identities (A.1)', () => {
  it('knows the seven PIDs with their endpoints', () => {
    assert.deepEqual(
      STLINK_USB_MODELS.map((m) => m.pid),
      [0x3748, 0x374b, 0x3752, 0x374e, 0x374f, 0x3753, 0x3754],
    );
    assert.deepEqual(stLinkUsbModel(0x0483, 0x3748), {
      pid: 0x3748,
      model: 'ST-LINK/V2',
      outEndpoint: 2,
      inEndpoint: 1,
      traceEndpoint: 3,
    });
    const v3 = stLinkUsbModel(0x0483, 0x374f)!;
    assert.deepEqual([v3.outEndpoint, v3.inEndpoint, v3.traceEndpoint], [1, 1, 2]);
    assert.equal(stLinkUsbModel(0x1234, 0x374b), undefined);
    assert.equal(stLinkUsbModel(0x0483, 0x3744), undefined, 'V1 (SCSI) is not driven');
  });
});

describe('WebUSB transport', () => {
  it('lists ST-Links with identity, model and serial, skipping other devices', async () => {
    const { usb } = setup({ ports: [4] });
    const other = new FakeUsbDevice(new ScriptedDevice(), { vendorId: 0x1d6b, productId: 2 });
    const found = await findStLinks(new FakeUsb([other, usb]));
    assert.equal(found.length, 1);
    assert.equal(found[0]!.model, 'ST-LINK/V2-1');
    assert.deepEqual(found[0]!.identity, {
      vid: 0x0483,
      pid: 0x374b,
      serial: '066DFF485550755187121014',
      location: 'usb:1-4',
    });
  });

  it('a host without a USB bus gives a clear error, not a native one', async () => {
    const broken = {
      getDevices: () => Promise.reject(new Error('getDevices error: /sys/bus/usb/devices/ not found')),
    };
    const error = await rejectsWith(findStLinks(broken), 'unavailable.usb-enumerate');
    assert.match(error.hint!, /swdkit server/);
  });

  it('opens: selects the first configuration, claims interface 0; close releases', async () => {
    const { usb, webusb } = setup();
    const t = await openStLink(webusb);
    assert.deepEqual(usb.calls, ['open', 'selectConfiguration(1)', 'claimInterface(0)']);
    await t.close();
    await t.close();
    assert.deepEqual(usb.calls.slice(3), ['releaseInterface(0)', 'close']);
    await rejectsWith(t.exchange(cmd(0xf1), { kind: 'read', length: 6 }), 'unavailable.transport-closed');
  });

  it('sends the command, then the data phase, on the PID’s endpoints', async () => {
    const { probe, webusb } = setup();
    const t = await openStLink(webusb);
    assert.deepEqual(
      [...(await t.exchange(cmd(0xf1), { kind: 'read', length: 6 }))],
      [0x29, 0x5a, 0x83, 0x04, 0x4b, 0x37],
    );
    await t.exchange(cmd(0xf2, 0x08, 0, 0, 0, 0x20, 4, 0), {
      kind: 'write',
      data: Uint8Array.of(9, 8, 7, 6),
    });
    const read = await t.exchange(cmd(0xf2, 0x07, 0, 0, 0, 0x20, 4, 0), { kind: 'read', length: 4 });
    assert.deepEqual([...read], [9, 8, 7, 6]);
    assert.equal((await t.exchange(cmd(0xf2, 0x30, 0xa3), { kind: 'read', length: 2 }))[0], 0x80);
    await t.exchange(cmd(0xf2, 0x21), { kind: 'none' });
    assert.equal(probe.mode, 0x01);
    probe.trace = Uint8Array.of(5, 6, 7);
    assert.deepEqual([...(await t.readTrace(2))], [5, 6]);
    await t.close();
  });

  it('uses the V2 endpoints (OUT 2, trace 3) for PID 0x3748', async () => {
    const { webusb } = setup({ productId: 0x3748, outEndpoint: 2, inEndpoint: 1, traceEndpoint: 3 });
    const t = await openStLink(webusb);
    assert.equal((await t.exchange(cmd(0xf5), { kind: 'read', length: 2 })).length, 2);
    await t.close();
  });

  it('refuses a short IN transfer', async () => {
    const { webusb } = setup();
    const t = await openStLink(webusb);
    // GET_VERSION answers 6 bytes; asking 8 makes the scripted probe pad, so cut the IN short instead.
    const usbDevice = (await webusb.getDevices())[0] as FakeUsbDevice;
    const original = usbDevice.transferIn.bind(usbDevice);
    usbDevice.transferIn = async (ep, length) => {
      const r = await original(ep, length);
      return { status: 'ok', data: new DataView(r.data!.buffer, 0, length - 1) };
    };
    await rejectsWith(t.exchange(cmd(0xf1), { kind: 'read', length: 6 }), 'unavailable.usb-transfer');
  });

  it('selects by serial, and lists the serials when there are several', async () => {
    const a = new FakeUsbDevice(new ScriptedDevice(), { serialNumber: 'AAA' });
    const b = new FakeUsbDevice(new ScriptedDevice(), { serialNumber: 'BBB', productId: 0x374e });
    const usb = new FakeUsb([a, b]);
    const t = await openStLink(usb, { serial: 'BBB' });
    assert.equal(t.identity.serial, 'BBB');
    assert.equal(t.model.model, 'STLINK-V3E');
    await t.close();
    const several = await rejectsWith(openStLink(usb), 'unavailable.several-probes');
    assert.match(several.hint!, /AAA.*BBB/);
    await rejectsWith(openStLink(usb, { serial: 'CCC' }), 'unavailable.serial-mismatch');
    await rejectsWith(openStLink(new FakeUsb([])), 'unavailable.no-probe');
  });

  it('permission denied on Linux: the hint is the udev rule to install and how to load it', async () => {
    const { usb, webusb } = setup();
    usb.failOpen = new Error('LIBUSB_ERROR_ACCESS: Access denied (insufficient permissions)');
    const error = await rejectsWith(openStLink(webusb, { platform: 'linux' }), 'unavailable.usb-permission');
    assert.ok(error.hint!.includes('/etc/udev/rules.d/49-stlink.rules'));
    assert.ok(error.hint!.includes(udevRules()));
    assert.ok(error.hint!.includes('udevadm control --reload && udevadm trigger'));
    for (const pid of ['3748', '374b', '3752', '374e', '374f', '3753', '3754']) {
      assert.ok(
        error.hint!.includes(
          `ATTRS{idVendor}=="0483", ATTRS{idProduct}=="${pid}", MODE="0660", TAG+="uaccess"`,
        ),
        pid,
      );
    }
  });

  it('busy on Linux: names the process holding /dev/bus/usb/BBB/DDD and suggests swdkit server', async () => {
    const root = await mkdtemp(join(tmpdir(), 'swdkit-proc-'));
    await mkdir(join(root, '4242', 'fd'), { recursive: true });
    await symlink('/dev/bus/usb/001/005', join(root, '4242', 'fd', '7'));
    await writeFile(join(root, '4242', 'cmdline'), 'openocd\0-f\0interface/stlink.cfg\0');
    const { usb, webusb } = setup();
    usb.failClaim = new Error('LIBUSB_ERROR_BUSY: Resource busy');
    const error = await rejectsWith(
      openStLink(webusb, { platform: 'linux', procRoot: root }),
      'unavailable.usb-busy',
    );
    assert.match(error.message, /process 4242 \(openocd -f interface\/stlink\.cfg\)/);
    assert.match(error.hint!, /swdkit server/);
    assert.equal(usb.opened, false, 'a failed claim closes the device again');
  });

  it('heldBy names the holders of a listed probe on Linux, and cannot tell elsewhere', async () => {
    const root = await mkdtemp(join(tmpdir(), 'swdkit-proc-'));
    await mkdir(join(root, '77', 'fd'), { recursive: true });
    await symlink('/dev/bus/usb/001/005', join(root, '77', 'fd', '3'));
    await writeFile(join(root, '77', 'cmdline'), 'openocd\0');
    const { webusb } = setup();
    const [found] = await findStLinks(webusb);
    assert.deepEqual(await heldBy(found!, { platform: 'linux', procRoot: root }), [
      { pid: 77, cmdline: 'openocd' },
    ]);
    assert.equal(await heldBy(found!, { platform: 'win32', procRoot: root }), undefined);
  });

  it('busy on Linux with no visible holder, and elsewhere: another program holds it', async () => {
    const root = await mkdtemp(join(tmpdir(), 'swdkit-proc-'));
    const { usb, webusb } = setup();
    usb.failClaim = new Error('LIBUSB_ERROR_BUSY');
    const linux = await rejectsWith(
      openStLink(webusb, { platform: 'linux', procRoot: root }),
      'unavailable.usb-busy',
    );
    assert.match(linux.message, /another program.*\/dev\/bus\/usb\/001\/005.*another user/);
    usb.failClaim = Object.assign(new Error('Unable to claim interface.'), { name: 'NetworkError' });
    const mac = await rejectsWith(openStLink(webusb, { platform: 'darwin' }), 'unavailable.usb-busy');
    assert.match(mac.message, /in use by another program\.$/);
    assert.match(mac.hint!, /swdkit server/);
  });

  it('unplugged mid-transfer: a clear error, and every later call fails the same way', async () => {
    const { usb, webusb } = setup();
    const t = await openStLink(webusb);
    await t.exchange(cmd(0xf5), { kind: 'read', length: 2 });
    usb.unplugAfter = usb.transfers + 1;
    const error = await rejectsWith(
      t.exchange(cmd(0xf1), { kind: 'read', length: 6 }),
      'unavailable.probe-unplugged',
    );
    assert.match(error.message, /unplugged/);
    await rejectsWith(t.exchange(cmd(0xf5), { kind: 'read', length: 2 }), 'unavailable.probe-unplugged');
    await t.close();
  });

  it('times out a transfer that never completes', async () => {
    const { usb, webusb } = setup();
    const t = await openStLink(webusb, { timeoutMs: 50 });
    usb.hang = true;
    await rejectsWith(t.exchange(cmd(0xf5), { kind: 'read', length: 2 }), 'timeout.usb-transfer');
  });

  it('classifies WebUSB and libusb errors', () => {
    assert.equal(
      classifyUsbError(Object.assign(new Error('x'), { name: 'SecurityError' }), 'open'),
      'permission',
    );
    assert.equal(classifyUsbError(new Error('LIBUSB_ERROR_BUSY'), 'claim'), 'busy');
    assert.equal(
      classifyUsbError(
        Object.assign(new Error('Unable to claim interface.'), { name: 'NetworkError' }),
        'claim',
      ),
      'busy',
    );
    assert.equal(
      classifyUsbError(Object.assign(new Error('A transfer error'), { name: 'NetworkError' }), 'transfer'),
      'other',
    );
    assert.equal(classifyUsbError(new Error('LIBUSB_TRANSFER_NO_DEVICE'), 'transfer'), 'unplugged');
    assert.equal(classifyUsbError(new Error('LIBUSB_ERROR_PIPE'), 'transfer'), 'other');
  });

  it('reads bus and address from node-usb devices', () => {
    assert.deepEqual(busAndAddress(new FakeUsbDevice(new ScriptedDevice(), { bus: '3-1.2', address: 9 })), {
      bus: 3,
      address: 9,
    });
    assert.equal(busAndAddress(new FakeUsbDevice(new ScriptedDevice())), undefined);
  });
});
