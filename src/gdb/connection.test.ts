/**
 * GdbConnection over SessionTarget on the virtual Discovery (the real host stack: Session, StLink,
 * the in-process probe), spoken to as gdb would, packet by packet.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Session } from '../session.js';
import { readImageFile } from '../flash/image/load.node.js';
import { GdbPipe, hexOf, parseWordLe, wordLe } from '../../test/support/gdb-pipe.js';
import { openOcdExamineWrites } from '../../test/support/openocd-examine.js';
import { firmwareElf } from '../../test/support/paths.js';
import { probedBoard, type ProbedBoard } from '../../test/support/probed-board.js';
import { GdbClients } from './clients.js';
import { SessionTarget, watchRange } from './session-target.js';

async function connected(firmware?: string): Promise<{ b: ProbedBoard; s: Session; gdb: GdbPipe }> {
  const b = await probedBoard({ ...(firmware === undefined ? {} : { firmware }), runMs: 20 });
  const s = await Session.connect(b.stlink, { sleep: b.clock.sleep, now: b.clock.now });
  // The poll's wait runs the board and yields to the event loop, as the board's runner would.
  const sleep = async (ms: number): Promise<void> => {
    b.board.runFor(ms * 1e6);
    await new Promise((resolve) => setImmediate(resolve));
  };
  const gdb = new GdbPipe(new SessionTarget(s), { sleep });
  return { b, s, gdb };
}

/** A whole qXfer object, read in parts as gdb does. */
async function xfer(gdb: GdbPipe, prefix: string, chunk = 0x200): Promise<string> {
  let out = '';
  for (;;) {
    const reply = await gdb.request(`${prefix}${out.length.toString(16)},${chunk.toString(16)}`);
    assert.match(reply, /^[ml]/s);
    out += reply.slice(1);
    if (reply.startsWith('l')) return out;
  }
}

const pcOf = async (gdb: GdbPipe): Promise<number> => parseWordLe(await gdb.request('pf'));

describe('GdbConnection: the handshake and what gdb reads first', () => {
  test('qSupported, acknowledgements, then QStartNoAckMode stops them', async () => {
    const { gdb } = await connected('blinky');
    const features = await gdb.request('qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=arm');
    for (const f of [
      'PacketSize=10000',
      'qXfer:features:read+',
      'qXfer:memory-map:read+',
      'QStartNoAckMode+',
      'vContSupported+',
      'swbreak+',
      'hwbreak+',
    ])
      assert.ok(features.split(';').includes(f), `${f} in ${features}`);
    assert.equal(gdb.acks, '+');
    assert.equal(await gdb.request('QStartNoAckMode'), 'OK');
    assert.equal(await gdb.request('qAttached'), '1');
    assert.equal(gdb.acks, '++', 'no acknowledgement after no-ack mode');
    assert.equal(await gdb.request('vMustReplyEmpty'), '');
    assert.equal(await gdb.request('vCont?'), 'vCont;c;C;s;S;t');
  });

  test('a corrupt packet is NAKed, a NAK resends the last reply', async () => {
    const { gdb } = await connected('blinky');
    gdb.raw('$qAttached#00');
    await gdb.settle(5);
    assert.equal(gdb.acks, '-');
    assert.equal(await gdb.request('qAttached'), '1');
    gdb.raw('-');
    assert.equal(await gdb.reply(), '1');
  });

  test('the target description (target.xml): the M-profile core, the system registers and the VFP, in regnum order', async () => {
    const { gdb } = await connected('blinky');
    const xml = await xfer(gdb, 'qXfer:features:read:target.xml:', 0x100);
    assert.match(xml, /<architecture>arm<\/architecture>/);
    for (const feature of ['org.gnu.gdb.arm.m-profile', 'org.gnu.gdb.arm.m-system', 'org.gnu.gdb.arm.vfp'])
      assert.ok(xml.includes(`<feature name="${feature}">`), feature);
    const regs = [...xml.matchAll(/<reg name="(\w+)" bitsize="(\d+)" regnum="(\d+)"/g)].map((m) => [
      m[1],
      Number(m[2]),
      Number(m[3]),
    ]);
    assert.deepEqual(regs[15], ['pc', 32, 15]);
    assert.deepEqual(regs[16], ['xpsr', 32, 16]);
    assert.deepEqual(
      regs.slice(17, 23).map((r) => r[0]),
      ['msp', 'psp', 'primask', 'basepri', 'faultmask', 'control'],
    );
    assert.deepEqual(regs[23], ['d0', 64, 23]);
    assert.deepEqual(regs[39], ['fpscr', 32, 39]);
    assert.equal(regs.length, 40);
  });

  test('memory map: the sectors as flash blocks with their sizes, everything else RAM', async () => {
    const { gdb } = await connected('blinky');
    const xml = await xfer(gdb, 'qXfer:memory-map:read::');
    const flash = [
      ...xml.matchAll(
        /<memory type="flash" start="(\w+)" length="(\w+)">\s*<property name="blocksize">(\w+)</g,
      ),
    ].map((m) => [m[1], m[2], m[3]]);
    assert.deepEqual(flash, [
      ['0x8000000', '0x10000', '0x4000'],
      ['0x8010000', '0x10000', '0x10000'],
      ['0x8020000', '0xe0000', '0x20000'],
    ]);
    assert.match(xml, /<memory type="ram" start="0x0" length="0x8000000"\/>/);
    assert.match(xml, /<memory type="ram" start="0x8100000" length="0xf7f00000"\/>/);
  });
});

describe('GdbConnection: registers and memory', () => {
  test('g is every register in order (FPU D registers from S pairs); p and P one at a time; G writes all', async () => {
    const { gdb, s } = await connected('blinky');
    const g = await gdb.request('g');
    assert.equal(g.length, 17 * 8 + 6 * 8 + 16 * 16 + 8);
    const regs = await s.registers();
    assert.equal(parseWordLe(g.slice(15 * 8, 16 * 8)), regs.pc);
    assert.equal(parseWordLe(g.slice(17 * 8, 18 * 8)), regs.msp);
    assert.equal(await gdb.request('P0=78563412'), 'OK');
    assert.equal(await gdb.request('p0'), '78563412');
    // d1 = s2 (low word) : s3
    assert.equal(await gdb.request(`P18=${wordLe(0x3f800000)}${wordLe(0x40000000)}`), 'OK');
    const after = await s.registers();
    assert.equal(after.s2, 0x3f800000);
    assert.equal(after.s3, 0x40000000);
    assert.equal(await gdb.request(`P13=${wordLe(1)}`), 'OK');
    assert.equal((await s.registers()).primask, 1);
    const all = await gdb.request('g');
    const changed = `${wordLe(0xcafe)}${all.slice(8)}`;
    assert.equal(await gdb.request(`G${changed}`), 'OK');
    assert.equal((await s.registers()).r0, 0xcafe);
    assert.equal(await gdb.request('G1234'), 'E02');
    assert.equal(await gdb.request('p99'), 'E02');
    assert.equal(await gdb.request('P0=xyz'), 'E02');
  });

  test('m reads flash and RAM; M and X write RAM (X binary, escaped); writes into flash fail', async () => {
    const { gdb } = await connected('blinky');
    const image = readImageFile(firmwareElf('blinky'));
    const vectors = image.segments[0]!.data.subarray(0, 16);
    assert.equal(await gdb.request('m8000000,10'), Buffer.from(vectors).toString('hex'));
    assert.equal(await gdb.request('M20010000,4:deadbeef'), 'OK');
    assert.equal(await gdb.request('m20010000,4'), 'deadbeef');
    const binary = String.fromCharCode(0x24, 0x23, 0x7d, 0x2a, 0x00, 0xff);
    assert.equal(await gdb.request(`X20010010,6:${binary}`), 'OK');
    assert.equal(await gdb.request('m20010010,6'), '24237d2a00ff');
    assert.equal(await gdb.request('X20010010,0:'), 'OK');
    assert.match(await gdb.request('M8000000,4:00000000'), /^E/);
    assert.equal(await gdb.request('m8000000'), 'E02');
    assert.equal(await gdb.request('mffffffff,10'), 'E02');
    assert.equal(await gdb.request('M20010000,4:dead'), 'E02');
  });
});

describe('GdbConnection: run control', () => {
  test('Z0 on flash code is an FPB comparator: continue stops with swbreak at main', async () => {
    const { gdb, b } = await connected('blinky');
    const main = b.symbol('main') & ~1;
    assert.equal(await gdb.request(`qRcmd,${hexOf('reset halt')}`), 'OK');
    assert.match(gdb.console, /halted at the reset vector/);
    assert.equal(await gdb.request(`Z0,${main.toString(16)},2`), 'OK');
    gdb.send('c');
    assert.equal(await gdb.reply(), 'T05swbreak:;');
    assert.equal(await pcOf(gdb), main);
    assert.equal(await gdb.request(`z0,${main.toString(16)},2`), 'OK');
    assert.equal(await gdb.request(`Z1,${main.toString(16)},2`), 'OK');
    assert.equal(await gdb.request('vRun;'), 'T05');
    gdb.send('vCont;c');
    assert.equal(await gdb.reply(), 'T05hwbreak:;');
  });

  test('s steps one instruction; ^C interrupts a running core with SIGINT; memory reads while it runs', async () => {
    const { gdb, b } = await connected('blinky');
    const pc = await pcOf(gdb);
    assert.equal(await gdb.request('s'), 'T05');
    assert.notEqual(await pcOf(gdb), pc);
    gdb.send('c');
    await gdb.settle(10);
    assert.equal(gdb.connection.isRunning, true);
    const ticks = b.symbol('blinky_ticks');
    const first = parseWordLe(await gdb.request(`m${ticks.toString(16)},4`));
    await b.clock.sleep(20);
    const second = parseWordLe(await gdb.request(`m${ticks.toString(16)},4`));
    assert.ok(second > first, `blinky_ticks ${first} then ${second} while running`);
    gdb.raw('\x03');
    assert.equal(await gdb.reply(), 'T02');
    assert.equal(gdb.connection.isRunning, false);
  });

  test('Z2 on blinky_ticks: continue stops with watch:ADDR; z2 removes it', async () => {
    const { gdb, b } = await connected('blinky');
    const ticks = b.symbol('blinky_ticks');
    assert.equal(await gdb.request(`Z2,${ticks.toString(16)},4`), 'OK');
    gdb.send('c');
    assert.equal(await gdb.reply(), `T05watch:${ticks.toString(16)};`);
    assert.equal(await gdb.request(`z2,${ticks.toString(16)},4`), 'OK');
    assert.equal(await gdb.request(`Z4,${ticks.toString(16)},4`), 'OK');
    gdb.send('c');
    assert.equal(await gdb.reply(), `T05awatch:${ticks.toString(16)};`);
  });

  test('Z0 in RAM patches a BKPT that m does not show and z0 takes out', async () => {
    const { gdb, b } = await connected('blinky');
    const at = 0x2001_0000;
    assert.equal(await gdb.request(`M${at.toString(16)},2:0bf0`), 'OK');
    assert.equal(await gdb.request(`Z0,${at.toString(16)},2`), 'OK');
    assert.equal(b.board.soc.bus.read16(at), 0xbe00);
    assert.equal(await gdb.request(`m${at.toString(16)},2`), '0bf0');
    assert.equal(await gdb.request(`z0,${at.toString(16)},2`), 'OK');
    assert.equal(b.board.soc.bus.read16(at), 0xf00b);
  });

  test('a core stuck in its HardFault handler stops gdb with SIGSEGV and the decoded cause', async () => {
    const { gdb } = await connected('hardfault');
    assert.equal(await gdb.request(`qRcmd,${hexOf('reset halt')}`), 'OK');
    gdb.send('c');
    assert.equal(await gdb.reply(), 'T0b');
    assert.match(gdb.console, /HardFault FORCED/);
    assert.match(gdb.console, /MemManage IACCVIOL/);
    assert.match(gdb.console, /CFSR 0x00000001 {2}HFSR 0x40000000/);
  });

  test('D removes the breakpoints and lets the core run; the connection closes', async () => {
    const { gdb, b, s } = await connected('blinky');
    const main = b.symbol('main') & ~1;
    assert.equal(await gdb.request(`Z0,${main.toString(16)},2`), 'OK');
    assert.deepEqual(await s.core.breakpoints.list(), [main]);
    assert.equal(await gdb.request('D'), 'OK');
    assert.equal(gdb.closedByServer, true);
    assert.deepEqual(await s.core.breakpoints.list(), []);
    assert.equal(await s.state(), 'running');
  });

  test('extended mode: !, k resets and halts without closing, vKill', async () => {
    const { gdb, s } = await connected('blinky');
    assert.equal(await gdb.request('!'), 'OK');
    gdb.send('k');
    await gdb.settle();
    assert.equal(gdb.closedByServer, false);
    assert.equal(await s.state(), 'halted');
    assert.equal(await gdb.request('vKill;1'), 'OK');
  });
});

/** Two gdb on one target, as the server has them: one SessionTarget, one GdbClients group. */
async function twoConnected(
  firmware: string,
): Promise<{ b: ProbedBoard; s: Session; a: GdbPipe; other: GdbPipe; notes: string[] }> {
  const b = await probedBoard({ firmware, runMs: 20 });
  const s = await Session.connect(b.stlink, { sleep: b.clock.sleep, now: b.clock.now });
  const sleep = async (ms: number): Promise<void> => {
    b.board.runFor(ms * 1e6);
    await new Promise((resolve) => setImmediate(resolve));
  };
  const target = new SessionTarget(s);
  const clients = new GdbClients(target);
  const notes: string[] = [];
  const a = new GdbPipe(target, { sleep, clients, name: 'A' });
  const other = new GdbPipe(target, { sleep, clients, name: 'B', note: (line) => notes.push(line) });
  return { b, s, a, other, notes };
}

describe('GdbConnection: several gdb on one target', () => {
  test('a breakpoint both asked for stays until the last of them removes it', async () => {
    const { a, other, b, s } = await twoConnected('blinky');
    const main = (b.symbol('main') & ~1).toString(16);
    assert.equal(await a.request(`Z0,${main},2`), 'OK');
    assert.equal(await other.request(`Z0,${main},2`), 'OK');
    assert.equal(await other.request(`z0,${main},2`), 'OK');
    assert.deepEqual(await s.core.breakpoints.list(), [b.symbol('main') & ~1], 'A still holds it');
    assert.equal(await a.request(`z0,${main},2`), 'OK');
    assert.deepEqual(await s.core.breakpoints.list(), []);
  });

  test('a RAM BKPT and a watchpoint held by two survive one client going away', async () => {
    const { a, other, b } = await twoConnected('blinky');
    const at = 0x2001_0000;
    const ticks = b.symbol('blinky_ticks').toString(16);
    assert.equal(await a.request(`M${at.toString(16)},2:0bf0`), 'OK');
    for (const gdb of [a, other]) {
      assert.equal(await gdb.request(`Z0,${at.toString(16)},2`), 'OK');
      assert.equal(await gdb.request(`Z2,${ticks},4`), 'OK');
    }
    await other.connection.disconnected();
    assert.equal(b.board.soc.bus.read16(at), 0xbe00, 'the BKPT stays for A');
    a.send('c');
    assert.equal(await a.reply(), `T05watch:${ticks};`, 'the watchpoint stays for A');
    assert.equal(await a.request(`z0,${at.toString(16)},2`), 'OK');
    assert.equal(b.board.soc.bus.read16(at), 0xf00b);
  });

  test('a new gdb halting the core stops the other one’s run with SIGINT and says who', async () => {
    const { a, other } = await twoConnected('blinky');
    assert.equal(await a.request('?'), 'T05');
    a.send('c');
    await a.settle(10);
    assert.equal(a.connection.isRunning, true);
    assert.match(await other.request('?'), /^T/);
    assert.equal(await a.reply(), 'T02');
    assert.match(a.console, /the gdb at B halted the core/);
    assert.equal(a.connection.isRunning, false);
  });

  test('a gdb that believes the core halted while another resumed it gets an error for registers, not stale values; memory still reads', async () => {
    const { a, other, b } = await twoConnected('blinky');
    assert.equal(await a.request('?'), 'T05');
    assert.equal(await other.request('?'), 'T05');
    other.send('c');
    await other.settle(10);
    assert.equal(other.connection.isRunning, true);
    assert.match(await a.request('g'), /^E[0-9a-f]{2}$/);
    assert.match(await a.request(`m${b.symbol('blinky_ticks').toString(16)},4`), /^[0-9a-f]{8}$/);
    other.raw('\x03');
    assert.equal(await other.reply(), 'T02');
  });

  test('D with another gdb attached leaves the core halted for it; the last D lets it run', async () => {
    const { a, other, s, notes } = await twoConnected('blinky');
    assert.equal(await a.request('?'), 'T05');
    assert.equal(await other.request('?'), 'T05');
    assert.equal(await other.request('D'), 'OK');
    assert.equal(other.closedByServer, true);
    assert.equal(await s.state(), 'halted', 'A still believes the core halted');
    assert.match(notes.join('\n'), /stays as it is for the gdb still attached \(A\)/);
    const pc = await pcOf(a);
    assert.equal(await a.request('s'), 'T05');
    assert.notEqual(await pcOf(a), pc);
    assert.equal(await a.request('D'), 'OK');
    assert.equal(await s.state(), 'running');
  });
});

describe('GdbConnection: another debugger on the same probe clears the comparators', () => {
  const openOcdExamine = (s: Session): Promise<void> =>
    openOcdExamineWrites((address, value) => s.stlink.write32(address, value));

  /** SysTick's control register (ARM DDI 0403E B3.3.3) and blinky's value: CLKSOURCE | TICKINT | ENABLE. */
  const SYST_CSR = 0xe000_e010;
  const SYST_CSR_RUNNING = 0x7;

  test('while the core runs: the poll puts the breakpoint back, it hits, and gdb is told', async () => {
    const b = await probedBoard({ firmware: 'blinky', runMs: 20 });
    const s = await Session.connect(b.stlink, { sleep: b.clock.sleep, now: b.clock.now });
    let examined = false;
    const sleep = async (ms: number): Promise<void> => {
      // OpenOCD connects right after gdb's continue; only then does the first tick come.
      if (!examined) {
        examined = true;
        await openOcdExamine(s);
        await s.stlink.write32(SYST_CSR, SYST_CSR_RUNNING);
      }
      b.board.runFor(ms * 1e6);
      await new Promise((resolve) => setImmediate(resolve));
    };
    const gdb = new GdbPipe(new SessionTarget(s), { sleep });
    const handler = (b.symbol('SysTick_Handler') & ~1).toString(16);
    assert.equal(await gdb.request('?'), 'T05');
    // SysTick held off until OpenOCD has been (blinky's handler would hit before it otherwise).
    assert.equal(await gdb.request(`M${SYST_CSR.toString(16)},4:00000000`), 'OK');
    assert.equal(await gdb.request(`Z1,${handler},2`), 'OK');
    gdb.send('c');
    assert.equal(await gdb.reply(), 'T05hwbreak:;');
    assert.equal(examined, true);
    assert.match(
      gdb.console,
      /another program on this probe cleared the FPB comparator of the breakpoint at 0x0800[0-9a-f]{4}; put back/,
    );
  });

  test('before a continue: a watchpoint zeroed while gdb was halted is put back first', async () => {
    const { gdb, b, s } = await connected('blinky');
    const ticks = b.symbol('blinky_ticks').toString(16);
    assert.equal(await gdb.request('?'), 'T05');
    assert.equal(await gdb.request(`Z2,${ticks},4`), 'OK');
    await openOcdExamine(s);
    gdb.send('c');
    assert.equal(await gdb.reply(), `T05watch:${ticks};`);
    assert.match(gdb.console, /cleared the DWT comparator watching 0x2000[0-9a-f]{4}; put back/);
  });
});

describe('GdbConnection: load and monitor', () => {
  test('vFlashErase/vFlashWrite/vFlashDone put blinky into erased flash through the flash driver', async () => {
    const { gdb, b } = await connected();
    const image = readImageFile(firmwareElf('blinky'));
    for (const segment of image.segments) {
      assert.equal(await gdb.request(`vFlashErase:${segment.address.toString(16)},4000`), 'OK');
      for (let at = 0; at < segment.data.length; at += 0x400) {
        const part = String.fromCharCode(...segment.data.subarray(at, at + 0x400));
        assert.equal(await gdb.request(`vFlashWrite:${(segment.address + at).toString(16)}:${part}`), 'OK');
      }
    }
    const before = await gdb.request('g');
    assert.equal(await gdb.request('vFlashDone'), 'OK');
    assert.equal(await gdb.request('g'), before, 'the loader run leaves gdb its registers');
    for (const segment of image.segments) {
      const flash = b.board.soc.devices.flash.storage.main;
      const offset = segment.address - 0x0800_0000;
      assert.deepEqual(flash.slice(offset, offset + segment.data.length), segment.data);
    }
    assert.equal(await gdb.request('vFlashDone'), 'OK', 'nothing more to write');
  });

  test('monitor help, info, halt, resume, an unknown command', async () => {
    const { gdb, s } = await connected('blinky');
    assert.equal(await gdb.request(`qRcmd,${hexOf('help')}`), 'OK');
    assert.match(gdb.console, /monitor reset halt/);
    gdb.console = '';
    assert.equal(await gdb.request(`qRcmd,${hexOf('info')}`), 'OK');
    assert.match(gdb.console, /chip: STM32F405\/407\/415\/417/);
    assert.match(gdb.console, /core: Cortex-M4/);
    assert.equal(await gdb.request(`qRcmd,${hexOf('resume')}`), 'OK');
    assert.equal(await s.state(), 'running');
    assert.equal(await gdb.request(`qRcmd,${hexOf('halt')}`), 'OK');
    assert.equal(await s.state(), 'halted');
    gdb.console = '';
    assert.equal(await gdb.request(`qRcmd,${hexOf('frobnicate')}`), 'OK');
    assert.match(gdb.console, /unknown monitor command "frobnicate"/);
    assert.equal(await gdb.request('qRcmd,zz'), 'E02');
  });
});

test('watchRange: the smallest aligned power of two that holds the bytes', () => {
  assert.deepEqual(watchRange(0x2000_0004, 4), { address: 0x2000_0004, size: 4 });
  assert.deepEqual(watchRange(0x2000_0001, 1), { address: 0x2000_0001, size: 1 });
  assert.deepEqual(watchRange(0x2000_0002, 4), { address: 0x2000_0000, size: 8 });
  assert.deepEqual(watchRange(0x2000_0006, 4), { address: 0x2000_0000, size: 16 });
});
