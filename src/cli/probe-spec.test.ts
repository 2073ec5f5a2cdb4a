import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from 'commander';
import { parseProbeSpec } from './probe-spec.js';

test('usb, usb:SERIAL, tcp://HOST:PORT (IPv4, name, [IPv6]) and sim parse', () => {
  assert.deepEqual(parseProbeSpec('usb'), { kind: 'usb' });
  assert.deepEqual(parseProbeSpec('usb:066DFF313330'), { kind: 'usb', serial: '066DFF313330' });
  assert.deepEqual(parseProbeSpec('tcp://127.0.0.1:7184'), { kind: 'tcp', host: '127.0.0.1', port: 7184 });
  assert.deepEqual(parseProbeSpec('tcp://lab-pi:7184'), { kind: 'tcp', host: 'lab-pi', port: 7184 });
  assert.deepEqual(parseProbeSpec('tcp://[::1]:7000'), { kind: 'tcp', host: '::1', port: 7000 });
  assert.deepEqual(parseProbeSpec('sim'), { kind: 'sim', model: 'v2-1', powered: true });
  assert.deepEqual(parseProbeSpec('sim:state=b.state,model=v3,power=off,firmware=f.elf'), {
    kind: 'sim',
    model: 'v3',
    powered: false,
    state: 'b.state',
    firmware: 'f.elf',
  });
});

test('sim: realtime and the faults of the virtual board', () => {
  assert.deepEqual(parseProbeSpec('sim:realtime=on,cut-link-after=120,cut-power-at=0.25'), {
    kind: 'sim',
    model: 'v2-1',
    powered: true,
    realtime: true,
    faults: { cutLinkAfterCommands: 120, cutPowerAtSeconds: 0.25 },
  });
  assert.deepEqual(parseProbeSpec('sim:cut-power-after=0,cut-link-at=3'), {
    kind: 'sim',
    model: 'v2-1',
    powered: true,
    faults: { cutPowerAfterCommands: 0, cutLinkAtSeconds: 3 },
  });
  assert.deepEqual(parseProbeSpec('sim:realtime=off'), { kind: 'sim', model: 'v2-1', powered: true });
});

test('bad probe specs are usage errors that say what the form is', () => {
  const cases: [string, RegExp][] = [
    ['usb:', /letters and digits/],
    ['usb:12 34', /letters and digits/],
    ['tcp://host', /tcp:\/\/HOST:PORT/],
    ['tcp://host:0', /tcp:\/\/HOST:PORT/],
    ['tcp://host:70000', /tcp:\/\/HOST:PORT/],
    ['sim:model=v9', /v2-1 or v3/],
    ['sim:colour=red', /unknown option 'colour'/],
    ['sim:state', /needs a value/],
    ['sim:realtime=yes', /realtime must be on or off/],
    ['sim:cut-link-after=1.5', /number of probe commands/],
    ['sim:cut-power-after=-1', /number of probe commands/],
    ['sim:cut-power-at=soon', /virtual time in seconds/],
    ['stlink', /use usb, usb:SERIAL, tcp:\/\/HOST:PORT or sim/],
  ];
  for (const [spec, message] of cases) {
    assert.throws(
      () => parseProbeSpec(spec),
      (error: unknown) => error instanceof InvalidArgumentError && message.test(error.message),
      spec,
    );
  }
});
