import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BadInputError } from '../../util/errors.js';
import {
  RequestParser,
  TCP_STATUS,
  decodeDeviceInfoReply,
  decodeRequest,
  decodeServerVersionReply,
  decodeStatusWordReply,
  decodeUsbReply,
  encodeDeviceCountReply,
  encodeDeviceInfoReply,
  encodeRequest,
  encodeServerVersionReply,
  encodeStatusReply,
  encodeStatusWordReply,
  encodeUsbReply,
  replySize,
  tcpStatusName,
  usbCommandRequest,
  type ServerRequest,
} from './wire.js';

const hex = (s: string): Uint8Array =>
  Uint8Array.from(s.split(/\s+/).filter(Boolean), (b) => parseInt(b, 16));
const GET_VERSION = hex('F1 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00');

describe('stlink-server requests (docs/stlink-protocol.md §D.3, D.4)', () => {
  const golden: [string, ServerRequest, string][] = [
    ['GET_SERVER_VERSION with client API 1', { command: 'GET_SERVER_VERSION', clientApi: 1 }, '06 01 00 00'],
    ['REFRESH_DEVICE_LIST(0)', { command: 'REFRESH_DEVICE_LIST', clear: 0 }, '00 00'],
    ['GET_NB_DEV', { command: 'GET_NB_DEV' }, '01'],
    ['GET_DEV_INFO(0, 41)', { command: 'GET_DEV_INFO', index: 0, recordSize: 41 }, '02 00 00 00 29 00 00 00'],
    ['OPEN_DEV', { command: 'OPEN_DEV', deviceId: 0x12345678 }, '03 00 00 00 78 56 34 12'],
    ['CLOSE_DEV', { command: 'CLOSE_DEV', connectId: 7 }, '04 00 00 00 07 00 00 00'],
    ['GET_NB_OF_DEV_CLIENTS', { command: 'GET_NB_OF_DEV_CLIENTS', deviceId: 1 }, '07 00 00 00 01 00 00 00'],
    [
      'SEND_USB_CMD read: GET_VERSION, 6 bytes',
      usbCommandRequest(2, GET_VERSION, 1, 6),
      '05 00 00 00 02 00 00 00  F1 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  01 00 00 00 06 00 00 00',
    ],
    [
      'SEND_USB_CMD write: WRITEMEM_32BIT 4 bytes of data follow the header',
      usbCommandRequest(2, hex('F2 08 00 ED 00 E0 04 00 00 00 00 00 00 00 00 00'), 0, hex('01 00 5F A0')),
      '05 00 00 00 02 00 00 00  F2 08 00 ED 00 E0 04 00 00 00 00 00 00 00 00 00  00 00 00 00 04 00 00 00  01 00 5F A0',
    ],
    [
      'SEND_USB_CMD trace: zero command, direction 3',
      usbCommandRequest(9, new Uint8Array(16), 3, 100),
      '05 00 00 00 09 00 00 00  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  03 00 00 00 64 00 00 00',
    ],
  ];
  for (const [name, request, bytes] of golden) {
    it(`${name}: encodes to and decodes from the golden bytes`, () => {
      assert.deepEqual(encodeRequest(request), hex(bytes));
      assert.deepEqual(decodeRequest(hex(bytes)), request);
    });
  }

  it('reply sizes are fixed per command; SEND_USB_CMD adds N for reads and trace only', () => {
    assert.equal(replySize({ command: 'GET_SERVER_VERSION', clientApi: 1 }), 16);
    assert.equal(replySize({ command: 'REFRESH_DEVICE_LIST', clear: 0 }), 4);
    assert.equal(replySize({ command: 'GET_NB_DEV' }), 4);
    assert.equal(replySize({ command: 'GET_DEV_INFO', index: 0, recordSize: 41 }), 45);
    assert.equal(replySize({ command: 'OPEN_DEV', deviceId: 1 }), 8);
    assert.equal(replySize({ command: 'CLOSE_DEV', connectId: 1 }), 4);
    assert.equal(replySize(usbCommandRequest(1, GET_VERSION, 1, 6)), 10);
    assert.equal(replySize(usbCommandRequest(1, GET_VERSION, 1, 0)), 4);
    assert.equal(replySize(usbCommandRequest(1, GET_VERSION, 0, new Uint8Array(64))), 4);
    assert.equal(replySize(usbCommandRequest(1, new Uint8Array(16), 3, 8)), 12);
  });

  it('refuses a command block that is not 16 bytes', () => {
    assert.throws(() => encodeRequest(usbCommandRequest(1, new Uint8Array(15), 1, 2)), BadInputError);
  });
});

describe('stlink-server replies', () => {
  it('GET_SERVER_VERSION is 16 bytes without a status word', () => {
    const bytes = encodeServerVersionReply({ api: 3, major: 2, minor: 1, build: 7 });
    assert.deepEqual(bytes, hex('03 00 00 00 02 00 00 00 01 00 00 00 07 00 00 00'));
    assert.deepEqual(decodeServerVersionReply(bytes), { api: 3, major: 2, minor: 1, build: 7 });
  });

  it('GET_NB_DEV is a bare 4-byte count; REFRESH/CLOSE are a 4-byte status', () => {
    assert.deepEqual(encodeDeviceCountReply(2), hex('02 00 00 00'));
    assert.deepEqual(encodeStatusReply(TCP_STATUS.SS_OK), hex('01 00 00 00'));
  });

  it('GET_DEV_INFO is 45 bytes: status, id, 32-byte NUL-padded serial, VID, PID, used flag', () => {
    const info = {
      status: 1,
      deviceId: 0x01,
      serial: '066DFF485550755187121014',
      vid: 0x0483,
      pid: 0x374b,
      used: 0,
    };
    const bytes = encodeDeviceInfoReply(info);
    const serialField = new Uint8Array(32);
    serialField.set(new TextEncoder().encode(info.serial));
    const expected = new Uint8Array([
      ...hex('01 00 00 00 01 00 00 00'),
      ...serialField,
      ...hex('83 04 4B 37 00'),
    ]);
    assert.equal(bytes.length, 45);
    assert.deepEqual(bytes, expected);
    assert.deepEqual(decodeDeviceInfoReply(bytes), info);
  });

  it('GET_DEV_INFO keeps a NUL terminator even for an over-long serial', () => {
    const bytes = encodeDeviceInfoReply({
      status: 1,
      deviceId: 1,
      serial: 'X'.repeat(40),
      vid: 1,
      pid: 2,
      used: 0,
    });
    assert.equal(bytes[8 + 31], 0);
    assert.equal(decodeDeviceInfoReply(bytes).serial, 'X'.repeat(31));
  });

  it('OPEN_DEV is 8 bytes: status and connect_id', () => {
    const bytes = encodeStatusWordReply(TCP_STATUS.SS_OK, 0x42);
    assert.deepEqual(bytes, hex('01 00 00 00 42 00 00 00'));
    assert.deepEqual(decodeStatusWordReply(bytes), { status: 1, value: 0x42 });
  });

  it('SEND_USB_CMD read reply is the status then the data', () => {
    const bytes = encodeUsbReply(TCP_STATUS.SS_OK, hex('2A 1B 83 04 4B 37'));
    assert.deepEqual(bytes, hex('01 00 00 00 2A 1B 83 04 4B 37'));
    const { status, data } = decodeUsbReply(bytes);
    assert.equal(status, 1);
    assert.deepEqual(data, hex('2A 1B 83 04 4B 37'));
  });

  it('names TCP statuses, including unknown ones', () => {
    assert.equal(tcpStatusName(0x2004), 'TCP_BUSY');
    assert.equal(tcpStatusName(0x1002), 'BAD_PARAMETER');
    assert.equal(tcpStatusName(0x77), '0x00000077');
  });
});

describe('RequestParser', () => {
  const stream = new Uint8Array([
    ...encodeRequest({ command: 'GET_SERVER_VERSION', clientApi: 1 }),
    ...encodeRequest({ command: 'REFRESH_DEVICE_LIST', clear: 0 }),
    ...encodeRequest({ command: 'GET_NB_DEV' }),
    ...encodeRequest({ command: 'GET_DEV_INFO', index: 0, recordSize: 41 }),
    ...encodeRequest(
      usbCommandRequest(
        5,
        hex('F2 08 00 00 00 20 08 00 00 00 00 00 00 00 00 00'),
        0,
        hex('01 02 03 04 05 06 07 08'),
      ),
    ),
    ...encodeRequest(usbCommandRequest(5, GET_VERSION, 1, 6)),
    ...encodeRequest({ command: 'CLOSE_DEV', connectId: 5 }),
  ]);
  const names = [
    'GET_SERVER_VERSION',
    'REFRESH_DEVICE_LIST',
    'GET_NB_DEV',
    'GET_DEV_INFO',
    'SEND_USB_CMD',
    'SEND_USB_CMD',
    'CLOSE_DEV',
  ];

  it('parses a stream delivered all at once', () => {
    const requests = new RequestParser().push(stream);
    assert.deepEqual(
      requests.map((r) => r.command),
      names,
    );
    const write = requests[4]!;
    assert.ok(write.command === 'SEND_USB_CMD');
    assert.deepEqual(write.data, hex('01 02 03 04 05 06 07 08'));
  });

  for (const piece of [1, 3, 7, 31, 33]) {
    it(`parses the same stream delivered in ${piece}-byte pieces`, () => {
      const parser = new RequestParser();
      const requests: ServerRequest[] = [];
      for (let i = 0; i < stream.length; i += piece)
        requests.push(...parser.push(stream.subarray(i, i + piece)));
      assert.deepEqual(requests, new RequestParser().push(stream));
      assert.equal(parser.pendingBytes, 0);
    });
  }

  it('waits for the data of a write, as given by the length field', () => {
    const parser = new RequestParser();
    const bytes = encodeRequest(usbCommandRequest(1, GET_VERSION, 0, new Uint8Array(100)));
    assert.deepEqual(parser.push(bytes.subarray(0, 131)), []);
    assert.equal(parser.pendingBytes, 131);
    assert.equal(parser.push(bytes.subarray(131)).length, 1);
  });

  it('rejects an unknown command code at its first byte', () => {
    assert.throws(
      () => new RequestParser().push(hex('09')),
      (e: unknown) => e instanceof BadInputError && e.code === 'bad-input.stlink-server-unknown-command',
    );
  });

  it('rejects a bad direction as soon as the header is in', () => {
    const bytes = encodeRequest(usbCommandRequest(1, GET_VERSION, 1, 6));
    bytes[24] = 2;
    const parser = new RequestParser();
    assert.deepEqual(parser.push(bytes.subarray(0, 31)), []);
    assert.throws(
      () => parser.push(bytes.subarray(31)),
      (e: unknown) => e instanceof BadInputError && e.code === 'bad-input.stlink-server-bad-direction',
    );
  });

  it('rejects a length beyond the 10240-byte buffers instead of waiting for it', () => {
    const bytes = encodeRequest(usbCommandRequest(1, GET_VERSION, 1, 6));
    new DataView(bytes.buffer).setUint32(28, 0x100000, true);
    assert.throws(
      () => new RequestParser().push(bytes),
      (e: unknown) => e instanceof BadInputError && e.code === 'bad-input.stlink-server-too-long',
    );
    const write = encodeRequest(usbCommandRequest(1, GET_VERSION, 0, new Uint8Array(0)));
    new DataView(write.buffer).setUint32(28, 10209, true);
    assert.throws(() => new RequestParser().push(write), BadInputError);
  });

  it('frames on append but decodes one request at a time on next()', () => {
    const parser = new RequestParser();
    const one = encodeRequest(usbCommandRequest(5, GET_VERSION, 1, 6));
    parser.append(new Uint8Array([...one, ...one, ...one.subarray(0, 10)]));
    assert.equal(parser.completedRequests, 2);
    assert.equal(parser.pendingBytes, 2 * 32 + 10, 'complete requests not taken yet, and the tail');
    assert.equal(parser.incompleteBytes, 10);
    assert.equal(parser.next()?.command, 'SEND_USB_CMD');
    assert.equal(parser.next()?.command, 'SEND_USB_CMD');
    assert.equal(parser.next(), undefined);
    assert.equal(parser.pendingBytes, 10);
    parser.append(one.subarray(10));
    assert.equal(parser.completedRequests, 3);
    assert.equal(parser.incompleteBytes, 0);
    assert.equal(parser.next()?.command, 'SEND_USB_CMD');
    assert.equal(parser.pendingBytes, 0);
  });

  it('takes a burst of 100,000 pipelined requests in one piece', () => {
    const parser = new RequestParser();
    const burst = new Uint8Array(100_000).fill(0x01); // GET_NB_DEV is one byte
    parser.append(burst);
    assert.equal(parser.completedRequests, 100_000);
    let n = 0;
    while (parser.next() !== undefined) n++;
    assert.equal(n, 100_000);
  });

  it('decodeRequest refuses bytes of the wrong size', () => {
    assert.throws(() => decodeRequest(hex('06 01 00')), BadInputError);
  });
});
