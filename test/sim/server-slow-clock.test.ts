/**
 * A client that slows the SWD clock must not freeze the server (issue 11, item 2): on the virtual
 * board served as `swdkit sim` serves it, a command modelled to take seconds holds back only its
 * own reply and whatever needs the probe after it; a request that needs no probe is answered at
 * once, and when the slow client leaves, the wire gets its power-up clock back.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { StLink } from '../../src/probe/stlink.js';
import { connectStLinkServer } from '../../src/transport/stlink-server/client.node.js';
import { firmwareElf } from '../support/paths.js';
import { startVirtualBoardServer, type VirtualBoardServer } from '../support/virtual-board-server.js';

const block = (...head: number[]): Uint8Array => {
  const b = new Uint8Array(16);
  b.set(head);
  return b;
};
const READ_6K = block(0xf2, 0x07, 0x00, 0x00, 0x00, 0x20, 0x00, 0x18);

describe('a slow SWD clock on the served virtual board', () => {
  let sim: VirtualBoardServer | undefined;
  after(async () => {
    await sim?.close();
  });

  test('GET_SERVER_VERSION from another client is answered while a 15 s (modelled) read runs', async () => {
    sim = await startVirtualBoardServer({ firmware: firmwareElf('blinky') });
    const slow = await connectStLinkServer({ port: sim.port, timeoutMs: 60_000 });
    const stlink = await StLink.open(slow);
    await stlink.enterSwd();
    // Divisor 798 (5 kHz), the slowest clock a V2 takes: a 6 KiB read is ~1600 transactions × 46
    // clocks ≈ 15 s of wire time.
    assert.equal((await slow.exchange(block(0xf2, 0x43, 0x1e, 0x03), { kind: 'read', length: 2 }))[0], 0x80);
    assert.equal(sim.device.firmware.swdKHz, 5);
    const order: string[] = [];
    const modelledBefore = sim.device.modelledNanoseconds();
    const read = slow.exchange(READ_6K, { kind: 'read', length: 6144 }).then(() => order.push('slow read'));
    await new Promise((r) => setTimeout(r, 20));
    const other = await connectStLinkServer({ port: sim.port, timeoutMs: 60_000 });
    order.push(`other client: server API ${other.serverVersion.api}`);
    await read;
    assert.deepEqual(order, ['other client: server API 3', 'slow read']);
    const modelledS = (sim.device.modelledNanoseconds() - modelledBefore) / 1e9;
    assert.ok(modelledS > 10, `the read was modelled as slow as it is (${modelledS.toFixed(1)} s)`);
    await other.close();

    // The slow client leaves: the next one finds the power-up clock, not 5 kHz.
    await stlink.close();
    for (let i = 0; i < 100 && (sim.device.firmware.swdKHz as number) !== 1800; i++)
      await new Promise((r) => setTimeout(r, 10));
    assert.equal(sim.device.firmware.swdKHz, 1800);
    assert.deepEqual(sim.errors, []);
  });
});
