import { BlockList, isIP } from 'node:net';
import { UsageError } from '../util/errors.js';

/**
 * `--allow ADDR|CIDR`: the clients the server accepts, by address. Anyone else is refused at
 * accept, before a byte is read. node's BlockList does the matching, including an IPv4 rule against
 * the IPv4-mapped IPv6 form (::ffff:192.0.2.7) in which a dual-stack socket reports IPv4 peers.
 */
export class AllowList {
  private readonly list = new BlockList();

  private constructor(readonly entries: readonly string[]) {
    for (const entry of entries) addEntry(this.list, entry);
  }

  /**
   * Entries like `192.168.1.20`, `10.0.0.0/8`, `::1`, `fd00::/8`; each argument may hold several,
   * comma-separated. Throws a UsageError naming the first entry that is neither.
   */
  static parse(values: readonly string[]): AllowList {
    const entries = values
      .flatMap((value) => value.split(','))
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
    if (entries.length === 0) {
      throw new UsageError('allow-empty', '--allow needs at least one address or CIDR range.', {
        hint: 'For example --allow 192.168.1.20 or --allow 10.0.0.0/8,fd00::/8.',
      });
    }
    return new AllowList(entries);
  }

  allows(address: string | undefined): boolean {
    if (address === undefined) return false;
    const family = isIP(address);
    if (family === 0) return false;
    return this.list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }
}

function addEntry(list: BlockList, entry: string): void {
  const slash = entry.indexOf('/');
  const address = slash < 0 ? entry : entry.slice(0, slash);
  const family = isIP(address);
  const bits = family === 4 ? 32 : 128;
  const prefixText = slash < 0 ? String(bits) : entry.slice(slash + 1);
  const prefix = Number(prefixText);
  if (family === 0 || !/^\d{1,3}$/.test(prefixText) || prefix > bits) {
    throw new UsageError('allow-bad-entry', `--allow: '${entry}' is not an IP address or CIDR range.`, {
      hint: 'Give IPv4 or IPv6 addresses or ranges: 192.168.1.20, 10.0.0.0/8, ::1, fd00::/8 (host names are not resolved).',
    });
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (prefix === bits) list.addAddress(address, type);
  else list.addSubnet(address, prefix, type);
}

/** Loopback only (127.0.0.0/8, ::1, localhost): the addresses nobody else can reach. */
export function isLoopbackListen(host: string): boolean {
  if (host === 'localhost') return true;
  const family = isIP(host);
  if (family === 4) return host.startsWith('127.');
  if (family === 6) return host === '::1' || /^::ffff:127\./i.test(host);
  return false;
}
