import { readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { usbDeviceNode, type UsbHolder } from './usb-holders.js';

/**
 * Which processes hold `/dev/bus/usb/BBB/DDD` open (Linux): every /proc/PID/fd/* link that points at
 * it. Processes of other users cannot be read without root and are skipped silently — the caller's
 * message says so. `procRoot` is injectable so tests can use a fake tree.
 */
export async function findUsbHolders(
  bus: number,
  address: number,
  options: { readonly procRoot?: string; readonly excludePid?: number } = {},
): Promise<UsbHolder[]> {
  const procRoot = options.procRoot ?? '/proc';
  const node = usbDeviceNode(bus, address);
  let entries: string[];
  try {
    entries = await readdir(procRoot);
  } catch {
    return [];
  }
  const holders: UsbHolder[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === options.excludePid) continue;
    let fds: string[];
    try {
      fds = await readdir(join(procRoot, entry, 'fd'));
    } catch {
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = await readlink(join(procRoot, entry, 'fd', fd));
      } catch {
        continue;
      }
      if (target === node) {
        holders.push({ pid, cmdline: await commandLine(join(procRoot, entry)) });
        break;
      }
    }
  }
  return holders.sort((a, b) => a.pid - b.pid);
}

async function commandLine(dir: string): Promise<string> {
  try {
    const raw = await readFile(join(dir, 'cmdline'), 'utf8');
    const args = raw.split('\0').filter((a) => a.length > 0);
    if (args.length > 0) return args.join(' ');
  } catch {
    // fall through to comm
  }
  try {
    return (await readFile(join(dir, 'comm'), 'utf8')).trim();
  } catch {
    return '?';
  }
}
