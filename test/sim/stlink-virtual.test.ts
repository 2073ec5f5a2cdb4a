/**
 * The host-side stack (probe/StLink over a transport) against the virtual ST-Link on the virtual board:
 * the same code that drives a real probe, through WebUSB (a fake USB device in front of the virtual
 * probe, as node-usb would present it) and through the in-process transport.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readImageFile } from '../../src/flash/image/load.node.js';
import { StLink } from '../../src/probe/stlink.js';
import { decodeCommand, dataPhaseOf } from '../../src/protocol/index.js';
import { DiscoveryBoard } from '../../src/sim/board/discovery.js';
import { VirtualStLinkDevice } from '../../src/sim/probe/virtual-stlink.js';
import { InProcessTransport } from '../../src/transport/in-process.js';
import { FakeUsb, FakeUsbDevice } from '../support/fake-webusb.js';
import { openStLink } from '../../src/transport/webusb/webusb-transport.js';
import { firmwareElf } from '../support/paths.js';

const DHCSR = 0xe000_edf0;
const S_HALT = 1 << 17;

function blinkyBoard(): { board: DiscoveryBoard; device: VirtualStLinkDevice } {
  const image = readImageFile(firmwareElf('blinky'));
  const board = new DiscoveryBoard({
    powered: false,
    preload: image.segments.map((s) => ({ address: s.address, data: s.data })),
  });
  board.power(true);
  board.runFor(5e6);
  const device = new VirtualStLinkDevice(board, {
    charge: (ns) => {
      board.runFor(ns);
    },
  });
  return { board, device };
}

describe('StLink over WebUSB against the virtual ST-LINK/V2-1', () => {
  test('open, voltage, SWD entry, CPUID, halt, registers, memory round trip, close', async () => {
    const { board, device } = blinkyBoard();
    const usbDevice = new FakeUsbDevice(device, {
      // The fake needs to know which way a command's data phase goes; the codecs say.
      phaseOf: (c) => dataPhaseOf(decodeCommand(c))?.kind ?? 'read',
    });
    const transport = await openStLink(new FakeUsb([usbDevice]));
    const stlink = await StLink.open(transport);
    assert.equal(stlink.versionString, 'V2J40M27');
    const volts = await stlink.targetVoltage();
    assert.ok(volts > 2.9 && volts < 3.1, `target voltage ${volts}`);
    await stlink.enterSwd();
    assert.equal(await stlink.idcode(), 0x2ba0_1477);
    assert.equal((await stlink.read32(0xe000_ed00)) >>> 0, 0x410f_c241);
    assert.equal((await stlink.read32(0xe004_2000)) >>> 0, 0x1007_6413);

    await stlink.writeDebugRegister(DHCSR, 0xa05f_0003);
    assert.ok(((await stlink.readDebugRegister(DHCSR)) & S_HALT) !== 0);
    assert.ok(board.soc.cpu.halted);
    await stlink.writeRegister(0, 0x1234_5678);
    assert.equal(board.soc.cpu.r[0]! >>> 0, 0x1234_5678);
    assert.equal((await stlink.readRegister(0)) >>> 0, 0x1234_5678);

    // An unaligned 9000-byte write and read back into SRAM crosses TAR blocks and needs 8-bit edges.
    const data = Uint8Array.from({ length: 9000 }, (_, i) => (i * 7 + 3) & 0xff);
    await stlink.writeMemory(0x2000_1001, data);
    assert.deepEqual(await stlink.readMemory(0x2000_1001, data.length), data);
    assert.deepEqual(board.soc.bus.sram.subarray(0x1001, 0x1001 + data.length), data);
    await stlink.close();
  });
});

describe('StLink in-process against the virtual board', () => {
  test('a bus error names its address (SWD_AP_FAULT with GETLASTRWSTATUS2) and the next access works', async () => {
    const { device } = blinkyBoard();
    const stlink = await StLink.open(new InProcessTransport(device));
    await stlink.enterSwd();
    await assert.rejects(stlink.read32(0x6000_0000), (error: unknown) => {
      assert.match(String(error), /0x11|AP_FAULT/i);
      return true;
    });
    assert.equal((await stlink.read32(0x1fff_7a20)) >>> 16, 0x0400); // F_SIZE: 1024 KiB
    await stlink.close();
  });

  test('connect under reset reaches a core held in reset; releasing NRST lets it run', async () => {
    const { board, device } = blinkyBoard();
    const stlink = await StLink.open(new InProcessTransport(device));
    await stlink.enterSwd({ connectUnderReset: true });
    assert.ok(board.soc.inReset);
    const ticks = board.soc.cpu.instructionsRetired;
    board.runFor(1e6);
    assert.equal(board.soc.cpu.instructionsRetired, ticks, 'a core held in reset executes nothing');
    assert.equal((await stlink.read32(0xe000_ed00)) >>> 0, 0x410f_c241);
    await stlink.driveNrst('high');
    board.runFor(1e6);
    assert.ok(board.soc.cpu.instructionsRetired > ticks);
    await stlink.close();
  });
});
