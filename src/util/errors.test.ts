import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  asSwdkitError,
  BadInputError,
  CODE_NAME_PATTERN,
  CODE_PREFIX,
  ConsentError,
  ERROR_CLASSES,
  InternalError,
  SwdkitError,
  TargetError,
  TimeoutError,
  UnavailableError,
  UsageError,
  type ErrorClass,
} from './errors.js';

describe('SwdkitError', () => {
  it('keeps code, class, hint and cause', () => {
    const cause = new Error('short read');
    const e = new BadInputError('elf-truncated', 'blinky.elf ends inside its program headers', {
      hint: 'Rebuild the file.',
      cause,
    });
    assert.equal(e.code, 'bad-input.elf-truncated');
    assert.equal(e.errorClass, ERROR_CLASSES.badInput);
    assert.equal(e.hint, 'Rebuild the file.');
    assert.equal(e.cause, cause);
    assert.ok(e instanceof SwdkitError);
  });

  it('has one subclass per class, which supplies the code prefix', () => {
    const made: Record<ErrorClass, SwdkitError> = {
      usage: new UsageError('x-y', 'm'),
      badInput: new BadInputError('x-y', 'm'),
      unavailable: new UnavailableError('x-y', 'm'),
      target: new TargetError('x-y', 'm'),
      consent: new ConsentError('x-y', 'm'),
      timeout: new TimeoutError('x-y', 'm'),
      internal: new InternalError('x-y', 'm'),
    };
    assert.deepEqual(Object.keys(made).sort(), Object.values(ERROR_CLASSES).sort());
    for (const [errorClass, error] of Object.entries(made) as [ErrorClass, SwdkitError][]) {
      assert.equal(error.errorClass, errorClass);
      assert.equal(error.code, `${CODE_PREFIX[errorClass]}.x-y`);
      assert.match(CODE_PREFIX[errorClass], CODE_NAME_PATTERN);
    }
  });

  it('wraps foreign throws as internal errors that ask for a bug report', () => {
    const e = asSwdkitError(new TypeError('x is undefined'));
    assert.ok(e instanceof InternalError);
    assert.equal(e.errorClass, ERROR_CLASSES.internal);
    assert.equal(e.code, 'internal.unexpected');
    assert.equal(e.message, 'x is undefined');
    assert.match(e.hint ?? '', /bug/);
    assert.equal(asSwdkitError(e), e);
  });
});
