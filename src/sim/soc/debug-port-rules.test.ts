import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DBGMCU_CR, debugPortSilence, type DebugPortConditions } from './debug-port-rules.js';

const running: DebugPortConditions = {
  powered: true,
  nrstLow: false,
  swdPinsInDebugFunction: true,
  rdpLevel: 0,
  lowPower: 'run',
  dbgmcuCr: 0,
};

describe('debugPortSilence', () => {
  test('a powered, running chip with its SWD pins answers', () => {
    assert.equal(debugPortSilence(running), undefined);
  });

  test('no power, no answer — not even under reset', () => {
    assert.equal(debugPortSilence({ ...running, powered: false }), 'unpowered');
    assert.equal(debugPortSilence({ ...running, powered: false, nrstLow: true }), 'unpowered');
  });

  test('RDP level 2 silences the port for good, under reset too; level 1 does not', () => {
    assert.equal(debugPortSilence({ ...running, rdpLevel: 2 }), 'rdp-level-2');
    assert.equal(debugPortSilence({ ...running, rdpLevel: 2, nrstLow: true }), 'rdp-level-2');
    assert.equal(debugPortSilence({ ...running, rdpLevel: 1 }), undefined);
  });

  test('firmware that took PA13/PA14 silences the port until NRST is held low', () => {
    const pinsTaken = { ...running, swdPinsInDebugFunction: false };
    assert.equal(debugPortSilence(pinsTaken), 'swd-pins-reassigned');
    assert.equal(debugPortSilence({ ...pinsTaken, nrstLow: true }), undefined);
  });

  test('Stop and Standby answer only with their DBGMCU_CR bit; Sleep always answers', () => {
    assert.equal(debugPortSilence({ ...running, lowPower: 'stop' }), 'stop');
    assert.equal(debugPortSilence({ ...running, lowPower: 'stop', dbgmcuCr: DBGMCU_CR.DBG_STOP }), undefined);
    assert.equal(debugPortSilence({ ...running, lowPower: 'stop', dbgmcuCr: DBGMCU_CR.DBG_STANDBY }), 'stop');
    assert.equal(debugPortSilence({ ...running, lowPower: 'standby' }), 'standby');
    assert.equal(
      debugPortSilence({ ...running, lowPower: 'standby', dbgmcuCr: DBGMCU_CR.DBG_STANDBY }),
      undefined,
    );
    assert.equal(debugPortSilence({ ...running, lowPower: 'sleep' }), undefined);
    assert.equal(debugPortSilence({ ...running, lowPower: 'standby', nrstLow: true }), undefined);
  });
});
