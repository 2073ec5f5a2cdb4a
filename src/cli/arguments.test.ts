import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from 'commander';
import {
  parseAddress,
  parseHexBytes,
  parseLength,
  parseSeconds,
  parseSectorList,
  parseSpeed,
} from './arguments.js';

const usage = (error: unknown): boolean => error instanceof InvalidArgumentError;

test('addresses: hex or decimal, 32 bits', () => {
  assert.equal(parseAddress('0x08000000'), 0x0800_0000);
  assert.equal(parseAddress('0X2000_0000'), 0x2000_0000);
  assert.equal(parseAddress('536870912'), 0x2000_0000);
  assert.equal(parseAddress('0xffffffff'), 0xffff_ffff);
  for (const bad of ['', '0x', '0x1_0000_0000', '-4', '12abc', '0x08000000 '.repeat(2)])
    assert.throws(() => parseAddress(bad), usage, bad);
});

test('lengths: decimal, hex, K suffix; never zero', () => {
  assert.equal(parseLength('256'), 256);
  assert.equal(parseLength('0x100'), 256);
  assert.equal(parseLength('16K'), 16384);
  assert.equal(parseLength('1kib'), 1024);
  for (const bad of ['0', '', 'K', '-1', '1.5', 'ten']) assert.throws(() => parseLength(bad), usage, bad);
});

test('sector lists: numbers and ranges, sorted, no repeats', () => {
  assert.deepEqual(parseSectorList('0'), [0]);
  assert.deepEqual(parseSectorList('7,0-3,2'), [0, 1, 2, 3, 7]);
  assert.deepEqual(parseSectorList(' 4 - 5 '), [4, 5]);
  for (const bad of ['', '3-1', 'a', '1,,2', '1-', '-1', '999'])
    assert.throws(() => parseSectorList(bad), usage, bad);
});

test('hex bytes: digits in pairs, spaces and colons allowed', () => {
  assert.deepEqual([...parseHexBytes('deadBEEF')], [0xde, 0xad, 0xbe, 0xef]);
  assert.deepEqual([...parseHexBytes('de ad:be ef')], [0xde, 0xad, 0xbe, 0xef]);
  assert.deepEqual([...parseHexBytes('0x0102')], [1, 2]);
  for (const bad of ['', 'abc', 'zz', '0x']) assert.throws(() => parseHexBytes(bad), usage, bad);
});

test('speed and seconds', () => {
  assert.equal(parseSpeed('4000'), 4000);
  assert.throws(() => parseSpeed('0'), usage);
  assert.throws(() => parseSpeed('fast'), usage);
  assert.equal(parseSeconds('2.5'), 2.5);
  assert.throws(() => parseSeconds('-1'), usage);
  assert.throws(() => parseSeconds(''), usage);
});
