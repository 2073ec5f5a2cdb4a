import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ERROR_CLASSES, SwdkitError } from '../util/errors.js';
import {
  isStatusOk,
  isStatusRetryable,
  STLINK_STATUS,
  STLINK_STATUS_TABLE,
  StLinkStatusError,
  statusInfo,
} from './status.js';

describe('status table (A.2)', () => {
  it('every code appears once, with a meaning, and failures with a hint', () => {
    const codes = Object.values(STLINK_STATUS_TABLE).map((e) => e.code);
    assert.equal(new Set(codes).size, codes.length);
    for (const [name, entry] of Object.entries(STLINK_STATUS_TABLE)) {
      assert.ok(entry.meaning.length > 0, name);
      if (!isStatusOk(entry.code)) assert.ok(entry.hint.length > 0, `${name} has a hint`);
    }
    assert.equal(STLINK_STATUS.SWD_AP_FAULT, 0x11);
    assert.equal(STLINK_STATUS.JTAG_GET_IDCODE_ERROR, 0x09);
  });

  it('only the two WAIT codes are retryable', () => {
    const retryable = Object.values(STLINK_STATUS_TABLE)
      .filter((e) => e.retryable)
      .map((e) => e.code);
    assert.deepEqual(retryable, [0x10, 0x14]);
    assert.equal(isStatusRetryable(0x10), true);
    assert.equal(isStatusRetryable(0x14), true);
    assert.equal(isStatusRetryable(0x11), false);
    assert.equal(isStatusRetryable(0xee), false);
  });

  it('0x80 is success, and 0x0D (write verify error) is ignored as OpenOCD does', () => {
    assert.equal(isStatusOk(0x80), true);
    assert.equal(isStatusOk(0x0d), true);
    assert.equal(isStatusOk(0x81), false);
    assert.equal(isStatusOk(0x00), false);
  });

  it('an unknown code gets a name with its value', () => {
    assert.equal(statusInfo(0xee).name, 'UNKNOWN_STATUS_0xee');
    assert.equal(statusInfo(0xee).retryable, false);
  });
});

describe('StLinkStatusError', () => {
  it('0x09 on ENTER: a target error that says no target answered and what to check', () => {
    const e = new StLinkStatusError(0x09, 'APIV2_ENTER SWD');
    assert.ok(e instanceof SwdkitError);
    assert.equal(e.code, 'target.stlink-jtag-get-idcode-error');
    assert.equal(e.errorClass, ERROR_CLASSES.target);
    assert.equal(e.status, 0x09);
    assert.equal(e.statusName, 'JTAG_GET_IDCODE_ERROR');
    assert.match(e.message, /^APIV2_ENTER SWD: ST-Link status 0x09 JTAG_GET_IDCODE_ERROR/);
    assert.match(e.hint ?? '', /no target answered: check power, wiring, or connect under reset/i);
  });

  it('0x11 after a memory command names a bus fault; WAIT counts attempts', () => {
    const fault = new StLinkStatusError(0x11, 'READMEM_32BIT 0x60000000+4');
    assert.equal(fault.code, 'target.stlink-swd-ap-fault');
    assert.match(fault.hint ?? '', /not mapped|clock/);
    const wait = new StLinkStatusError(0x14, 'READDEBUGREG 0xe000edf0', { attempts: 9 });
    assert.equal(wait.retryable, true);
    assert.match(wait.message, /after 9 attempts/);
  });

  it('every status gets a code of the one style: <class-prefix>.stlink-<kebab-name>', () => {
    for (const status of [...Object.values(STLINK_STATUS), 0x77]) {
      const e = new StLinkStatusError(status, 'X');
      assert.match(e.code, /^(target|unavailable)\.stlink-[a-z0-9]+(-[a-z0-9]+)*$/, e.code);
    }
  });

  it('probe-side codes are unavailable, not target, errors', () => {
    const e = new StLinkStatusError(0x42, 'APIV3_GET_COM_FREQ');
    assert.equal(e.code, 'unavailable.stlink-unknown-cmd');
    assert.equal(e.errorClass, ERROR_CLASSES.unavailable);
    assert.equal(new StLinkStatusError(0x77, 'X').code, 'unavailable.stlink-unknown-status-0x77');
  });
});
