import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checksumOf,
  decodePayload,
  escapeBinary,
  frameHexPacket,
  framePacket,
  RspDecoder,
  type RspEvent,
} from './rsp-framing.js';

const bytes = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const text = (b: Uint8Array): string => String.fromCharCode(...b);
const packets = (events: RspEvent[]): string[] =>
  events.flatMap((e) => (e.kind === 'packet' ? [text(e.payload)] : []));

test('checksum: the bytes summed modulo 256', () => {
  assert.equal(checksumOf(bytes('OK')), 0x9a);
  assert.equal(checksumOf(bytes('')), 0);
  assert.equal(checksumOf(new Uint8Array(300).fill(0xff)), (300 * 0xff) & 0xff);
});

test('framing: $payload#cs with lower-case hex, escaping $ # } *', () => {
  assert.equal(text(framePacket(bytes('OK'))), '$OK#9a');
  assert.equal(text(escapeBinary(Uint8Array.of(0x24, 0x23, 0x7d, 0x2a, 0x41))), '}\x04}\x03}]}\x0aA');
  const framed = framePacket(Uint8Array.of(0x7d, 0x00));
  assert.equal(text(framed), `$}]\x00#${checksumOf(bytes('}]\x00')).toString(16).padStart(2, '0')}`);
});

test('decoding: a packet, its acknowledgement characters and interrupts, split anywhere', () => {
  const stream = bytes('+$qSupported:multiprocess+#c6-\x03$g#67');
  for (let split = 0; split <= stream.length; split++) {
    const decoder = new RspDecoder();
    const events = [...decoder.feed(stream.subarray(0, split)), ...decoder.feed(stream.subarray(split))];
    assert.deepEqual(
      events.map((e) => e.kind),
      ['ack', 'packet', 'nack', 'interrupt', 'packet'],
      `split at ${split}`,
    );
    assert.deepEqual(packets(events), ['qSupported:multiprocess+', 'g']);
  }
});

test('decoding: every byte survives escaping (binary-safe round trip)', () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  const [event] = new RspDecoder().feed(framePacket(all));
  assert.deepEqual(event, { kind: 'packet', payload: all });
});

test('decoding: run-length encoding X*n repeats X n - 29 more times', () => {
  assert.equal(text(decodePayload(bytes('0* ')) as Uint8Array), '0'.repeat(4));
  assert.equal(text(decodePayload(bytes('ab*"c')) as Uint8Array), 'abbbbbbc');
  // An escaped byte may be repeated too.
  assert.equal(text(decodePayload(bytes('}]*!')) as Uint8Array), '}'.repeat(5));
  assert.equal(typeof decodePayload(bytes('*a')), 'string');
  assert.equal(typeof decodePayload(bytes('a*')), 'string');
  assert.equal(typeof decodePayload(bytes('a*\x01')), 'string');
  assert.equal(typeof decodePayload(bytes('a}')), 'string');
});

test('decoding: a wrong or non-hex checksum is corrupt; a $ inside a packet starts it again', () => {
  const decoder = new RspDecoder();
  assert.deepEqual(
    decoder.feed(bytes('$g#00$g#zz$m0,4#fd')).map((e) => e.kind),
    ['corrupt', 'corrupt', 'packet'],
  );
  assert.deepEqual(packets(decoder.feed(bytes('$garbage$?#3f'))), ['?']);
  assert.deepEqual(decoder.feed(bytes('noise outside packets')), []);
});

test('decoding: a packet past the size limit is corrupt and the next one is read', () => {
  const decoder = new RspDecoder(16);
  const long = 'x'.repeat(40);
  const events = decoder.feed(
    bytes(`$${long}#${checksumOf(bytes(long)).toString(16).padStart(2, '0')}$?#3f`),
  );
  assert.deepEqual(
    events.map((e) => e.kind),
    ['corrupt', 'packet'],
  );
});

test('decoding: a correct checksum over an undecodable payload is malformed, not corrupt', () => {
  const events = new RspDecoder().feed(bytes(`$*x#${checksumOf(bytes('*x')).toString(16)}`));
  assert.equal(events[0]?.kind, 'malformed');
});

test('hex framing: frameHexPacket is framePacket over the hex digits, every byte value', () => {
  const data = Uint8Array.from({ length: 600 }, (_, i) => (i * 37 + (i >> 8)) & 0xff);
  const hex = bytes([...data].map((b) => b.toString(16).padStart(2, '0')).join(''));
  assert.deepEqual(frameHexPacket(data), framePacket(hex));
  assert.equal(text(frameHexPacket(new Uint8Array(0))), '$#00');
  assert.equal(
    text(frameHexPacket(Uint8Array.of(0x4f, 0x4b))),
    `$4f4b#${checksumOf(bytes('4f4b')).toString(16)}`,
  );
});

test('decoding: a 64 KiB binary write, escapes and all, in pieces of any size', () => {
  const data = Uint8Array.from({ length: 0x10000 }, (_, i) => (i * 2654435761) >>> 24);
  const frame = framePacket(data);
  let seed = 7;
  for (let round = 0; round < 20; round++) {
    const decoder = new RspDecoder();
    const events: RspEvent[] = [];
    for (let at = 0; at < frame.length;) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const size = 1 + (seed % (round < 10 ? 64 : 9000));
      events.push(...decoder.feed(frame.subarray(at, at + size)));
      at += size;
    }
    assert.equal(events.length, 1, `round ${round}`);
    assert.deepEqual(events[0], { kind: 'packet', payload: data }, `round ${round}`);
  }
});

test('decoding: escapes and run lengths next to each other and at the ends', () => {
  assert.equal(text(decodePayload(bytes('}]}]')) as Uint8Array), '}}');
  assert.equal(text(decodePayload(bytes('}]* }]')) as Uint8Array), '}}}}}');
  assert.equal(text(decodePayload(bytes('a* * ')) as Uint8Array), 'a'.repeat(7));
  assert.equal(text(decodePayload(bytes('x}\x03')) as Uint8Array), 'x#');
  assert.equal(decodePayload(bytes('a}]}')), 'a trailing escape character');
  assert.equal(decodePayload(bytes('}]*')), 'a run length without its count');
});

test('decoding: a packet buffer is not shared with the next packet', () => {
  const decoder = new RspDecoder();
  const [first] = decoder.feed(framePacket(bytes('first')));
  decoder.feed(framePacket(bytes('other')));
  assert.equal(first?.kind === 'packet' ? text(first.payload) : '', 'first');
});
