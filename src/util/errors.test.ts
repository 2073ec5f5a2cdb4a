import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asSwdkitError, BadInputError, ERROR_CLASSES, SwdkitError } from './errors.js';

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

  it('wraps foreign throws as internal errors that ask for a bug report', () => {
    const e = asSwdkitError(new TypeError('x is undefined'));
    assert.equal(e.errorClass, ERROR_CLASSES.internal);
    assert.equal(e.message, 'x is undefined');
    assert.match(e.hint ?? '', /bug/);
    assert.equal(asSwdkitError(e), e);
  });
});
