/**
 * Self-tests of the peer-test helpers in test/support: the RSP codecs and client (against an in-process
 * fake gdbstub, so framing, acks, retransmission and run-length decoding are checked without QEMU), the
 * target-description parser, and the ELF symbol reader (against arm-none-eabi-nm).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { readElf } from '../support/elf.js';
import {
  checksum,
  decodeRunLength,
  framePacket,
  GdbRemoteClient,
  parseStopReply,
  unescapeBinary,
} from '../support/gdb-remote-client.js';
import { requirePeer } from '../support/peers.js';
import { repoRoot } from '../support/paths.js';
import { parseTargetDescription } from '../support/qemu-gdb-target.js';

describe('RSP codecs', () => {
  it('frames, checksums and escapes packets', () => {
    assert.equal(checksum('g'), '67');
    assert.equal(framePacket('g'), '$g#67');
    assert.equal(framePacket('a$b#c}d*'), `$a}\x04b}\x03c}]d}\n#${checksum('a}\x04b}\x03c}]d}\n')}`);
  });

  it('expands run-length encoding and undoes binary escapes', () => {
    assert.equal(decodeRunLength('0* '), '0000');
    assert.equal(decodeRunLength('ab*"c'), `ab${'b'.repeat(5)}c`);
    assert.equal(decodeRunLength('plain'), 'plain');
    assert.equal(unescapeBinary('x}\x03y}]'), 'x#y}');
  });

  it('parses stop replies', () => {
    const t = parseStopReply('T05thread:p01.01;0f:0c000008;swbreak:;');
    assert.equal(t.kind, 'signal');
    assert.equal(t.code, 5);
    assert.deepEqual([...(t.registers.get(15) ?? [])], [0x0c, 0, 0, 0x08]);
    assert.equal(t.info.get('thread'), 'p01.01');
    assert.ok(t.info.has('swbreak'));
    assert.equal(parseStopReply('W00').kind, 'exited');
    assert.equal(parseStopReply('X09').code, 9);
    assert.throws(() => parseStopReply('OK'));
  });

  it('numbers registers from a target description with includes', async () => {
    const files: Record<string, string> = {
      'target.xml':
        '<target><architecture>arm</architecture><xi:include href="core.xml"/><xi:include href="fp.xml"/></target>',
      'core.xml':
        '<feature name="core"><!-- <reg name="ignored" bitsize="8"/> --><reg name="r0" bitsize="32"/><reg name="pc" bitsize="32" type="code_ptr"/><reg name="xpsr" bitsize="32" regnum="25"/></feature>',
      'fp.xml':
        "<feature name='fp'><reg name='d0' bitsize='64'/><reg name='fpscr' bitsize='32' group='float'/></feature>",
    };
    const regs = await parseTargetDescription((annex) => Promise.resolve(files[annex] ?? ''));
    assert.deepEqual(
      regs.map((r) => [r.name, r.regnum, r.bitsize, r.feature]),
      [
        ['r0', 0, 32, 'core'],
        ['pc', 1, 32, 'core'],
        ['xpsr', 25, 32, 'core'],
        ['d0', 26, 64, 'fp'],
        ['fpscr', 27, 32, 'fp'],
      ],
    );
  });
});

/** A fake gdbstub in ack mode: answers from `replies`, NAKs the first packet once, splits writes. */
async function fakeStub(replies: (packet: string) => string): Promise<{ server: Server; port: number }> {
  const server = createServer((socket: Socket) => {
    socket.setEncoding('latin1');
    let buffer = '';
    let nakked = false;
    let writes = Promise.resolve(); // keeps split replies in order
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (;;) {
        const start = buffer.indexOf('$');
        const hash = buffer.indexOf('#', start);
        if (start < 0 || hash < 0 || hash + 3 > buffer.length) return;
        const body = buffer.slice(start + 1, hash);
        buffer = buffer.slice(hash + 3);
        if (!nakked) {
          nakked = true;
          socket.write('-'); // the client must send the packet again
          continue;
        }
        const reply = replies(unescapeBinary(body));
        const framed = `+$${reply}#${checksum(reply)}`;
        // Split the reply, with a pause, to exercise reassembly.
        writes = writes.then(async () => {
          socket.write(framed.slice(0, 3));
          await sleep(2);
          socket.write(framed.slice(3));
        });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  return { server, port: address.port };
}

describe('GdbRemoteClient against a fake gdbstub', { timeout: 20_000 }, () => {
  it('handshakes in ack mode, retransmits on NAK, decodes run-length replies, pipelines', async () => {
    const { server, port } = await fakeStub((packet) => {
      if (packet.startsWith('qSupported')) return 'PacketSize=100;qXfer:features:read+';
      if (packet === 'g') return '0*"1122'; // 0 x 6, then 1122
      if (packet === '?') return 'S05';
      if (packet.startsWith('p')) return `${packet.slice(1).padStart(2, '0')}000000`;
      if (packet.startsWith('m')) return 'E14';
      return '';
    });
    const client = await GdbRemoteClient.connect('127.0.0.1', port, { requestTimeoutMs: 2_000 });
    try {
      assert.equal(client.noAckMode, false);
      assert.equal(client.packetSize, 0x100);
      assert.ok(client.supports('qXfer:features:read'));
      assert.deepEqual([...(await client.readAllRegisters())], [0, 0, 0, 0x11, 0x22]);
      assert.equal((await client.haltReason()).code, 5);
      const regs = await client.readRegistersPipelined([1, 2, 0x1a]);
      assert.deepEqual(
        regs.map((b) => b[0]),
        [0x01, 0x02, 0x1a],
      );
      await assert.rejects(client.readU32(0x2000_0000), /E14/);
    } finally {
      client.close();
      server.close();
    }
  });

  it('fails a request that gets no reply within its timeout', async () => {
    const sockets: Socket[] = [];
    const server = createServer((socket) => {
      sockets.push(socket); // accepts and never answers
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    assert.ok(address !== null && typeof address === 'object');
    try {
      await assert.rejects(
        GdbRemoteClient.connect('127.0.0.1', address.port, { requestTimeoutMs: 200 }),
        /no reply to "qSupported/,
      );
    } finally {
      for (const socket of sockets) socket.destroy();
      server.close();
    }
  });
});

describe('ELF symbol reader', () => {
  it('agrees with arm-none-eabi-nm on every firmware ELF', (t) => {
    const nm = requirePeer(t, 'arm-none-eabi-nm', { package: 'binutils-arm-none-eabi' });
    if (nm === undefined) return;
    const dir = join(repoRoot, 'firmware', 'bin');
    let files: string[];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.elf'));
    } catch {
      files = [];
    }
    if (files.length === 0) {
      t.skip(`no ELF files in ${dir}`);
      return;
    }
    for (const file of files) {
      const path = join(dir, file);
      const elf = readElf(path);
      assert.equal(elf.class, 32);
      assert.equal(elf.machine, 40, `${file} is an ARM ELF`);
      const listing = execFileSync(nm, ['-S', '--defined-only', path], { encoding: 'utf8' });
      let checked = 0;
      for (const line of listing.split('\n')) {
        // "20000000 00000400 B cpu_results" (symbols with a size only)
        const m = /^([0-9a-f]+) ([0-9a-f]+) [A-Za-z] (\S+)$/.exec(line);
        if (m === null) continue;
        // nm prints Thumb functions without bit 0, which is `address`.
        const symbol = elf.symbols.find(
          (s) => s.name === m[3] && s.address === parseInt(m[1]!, 16) && s.sectionIndex !== 0,
        );
        assert.ok(symbol !== undefined, `${file}: ${m[3]} at 0x${m[1]} not found`);
        assert.equal(symbol.size, parseInt(m[2]!, 16), `${file}: size of ${m[3]}`);
        checked++;
      }
      assert.ok(checked > 0, `${file}: nm listed no sized symbols`);
    }
  });
});
