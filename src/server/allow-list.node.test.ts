import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../util/errors.js';
import { AllowList, isLoopbackListen } from './allow-list.node.js';

describe('AllowList (--allow)', () => {
  it('matches addresses and CIDR ranges of both families, repeated and comma-separated', () => {
    const list = AllowList.parse(['192.168.1.20', '10.0.0.0/8, fd00::/8', '::1']);
    assert.deepEqual(list.entries, ['192.168.1.20', '10.0.0.0/8', 'fd00::/8', '::1']);
    assert.equal(list.allows('192.168.1.20'), true);
    assert.equal(list.allows('192.168.1.21'), false);
    assert.equal(list.allows('10.200.3.4'), true);
    assert.equal(list.allows('11.0.0.1'), false);
    assert.equal(list.allows('fd12:3456::1'), true);
    assert.equal(list.allows('fe80::1'), false);
    assert.equal(list.allows('::1'), true);
    assert.equal(list.allows(undefined), false);
  });

  it('an IPv4 rule matches the IPv4-mapped IPv6 form a dual-stack socket reports', () => {
    const list = AllowList.parse(['192.168.1.0/24']);
    assert.equal(list.allows('::ffff:192.168.1.7'), true);
    assert.equal(list.allows('::ffff:192.168.2.7'), false);
  });

  it('refuses what is not an address or range, as a usage error', () => {
    for (const bad of ['example.com', '10.0.0.0/33', '::1/129', '10.0.0.0/', '1.2.3', '']) {
      assert.throws(
        () => AllowList.parse([bad]),
        (e: unknown) => e instanceof UsageError && /^usage\.allow-/.test(e.code),
        bad,
      );
    }
  });

  it('tells loopback listen addresses from the others', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost'])
      assert.equal(isLoopbackListen(host), true);
    for (const host of ['0.0.0.0', '::', '192.168.1.5', 'myhost'])
      assert.equal(isLoopbackListen(host), false);
  });
});
