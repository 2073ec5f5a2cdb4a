import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PWR_CR, PWR_CSR, Pwr } from './pwr.js';
import { FakeSocContext } from '../../../../test/support/fake-soc-context.js';

const CR = 0x00;
const CSR = 0x04;

function setup() {
  const pwr = new Pwr(new FakeSocContext());
  return {
    pwr,
    r: (reg: number) => pwr.read(reg, 4) >>> 0,
    w: (reg: number, v: number) => {
      pwr.write(reg, 4, v);
    },
  };
}

describe('Pwr', () => {
  test('reset values (RM0090 §5.4): CR 0x4000 (VOS), CSR nothing but VOSRDY', () => {
    const { pwr, r } = setup();
    assert.equal(r(CR), 0x4000);
    assert.equal(r(CSR), PWR_CSR.VOSRDY);
    assert.deepEqual(pwr.clockEnable, { register: 'APB1ENR', bit: 28 });
    assert.equal(pwr.deepSleepMode, 'stop');
    assert.equal(pwr.lowPowerRegulator, false);
  });

  test('PDDS selects Standby, LPDS the low-power regulator; CWUF/CSBF read 0', () => {
    const { pwr, r, w } = setup();
    w(CR, PWR_CR.PDDS | PWR_CR.CWUF | PWR_CR.CSBF | PWR_CR.DBP);
    assert.equal(pwr.deepSleepMode, 'standby');
    assert.equal(pwr.backupDomainWritable, true);
    assert.equal(r(CR), PWR_CR.PDDS | PWR_CR.DBP);
    w(CR, PWR_CR.LPDS);
    assert.equal(pwr.deepSleepMode, 'stop');
    assert.equal(pwr.lowPowerRegulator, true);
  });

  test('the wake-up pin counts only with EWUP, sets WUF, and CWUF clears it', () => {
    const { pwr, r, w } = setup();
    assert.equal(pwr.wakeupPinEdge(), false);
    assert.equal(r(CSR) & PWR_CSR.WUF, 0);
    w(CSR, PWR_CSR.EWUP | PWR_CSR.WUF | PWR_CSR.SBF);
    assert.equal(r(CSR) & (PWR_CSR.WUF | PWR_CSR.SBF), 0, 'WUF and SBF are read-only');
    assert.equal(pwr.wakeupPinEdge(), true);
    assert.notEqual(r(CSR) & PWR_CSR.WUF, 0);
    w(CR, PWR_CR.CWUF);
    assert.equal(r(CSR) & PWR_CSR.WUF, 0);
  });

  test('Standby exit: the power reset keeps PWR_CSR and sets SBF; CSBF clears it', () => {
    const { pwr, r, w } = setup();
    w(CSR, PWR_CSR.EWUP);
    w(CR, PWR_CR.PDDS);
    pwr.wakeupPinEdge();
    pwr.reset('power-on');
    pwr.standbyExited();
    assert.equal(r(CR), 0x4000);
    assert.equal(r(CSR), PWR_CSR.WUF | PWR_CSR.SBF | PWR_CSR.EWUP | PWR_CSR.VOSRDY);
    pwr.reset('system');
    assert.equal(r(CSR), PWR_CSR.SBF | PWR_CSR.VOSRDY, 'SBF survives a system reset, WUF and EWUP do not');
    w(CR, PWR_CR.CSBF);
    assert.equal(r(CSR) & PWR_CSR.SBF, 0);
  });

  test('a real power-on clears SBF; BRE (backup domain) survives until VBAT goes', () => {
    const { pwr, r, w } = setup();
    w(CSR, PWR_CSR.BRE);
    assert.notEqual(r(CSR) & PWR_CSR.BRR, 0);
    pwr.reset('power-on');
    pwr.standbyExited();
    pwr.reset('power-on');
    assert.equal(r(CSR), PWR_CSR.BRE | PWR_CSR.BRR | PWR_CSR.VOSRDY);
    pwr.resetBackupDomain();
    assert.equal(r(CSR), PWR_CSR.VOSRDY);
  });
});
