import { isAbsolute, relative, resolve } from 'node:path';
import type { ProbeSpec } from './probe-spec.js';

/**
 * A parsed `--probe` written back as text, for a command line that another program runs later
 * (`swdkit init` puts it in an IDE's configuration). The sim's files (state=, firmware=) are given
 * relative to `projectDir`, where the IDE runs the command, or absolute when they lie outside it.
 */
export function probeText(spec: ProbeSpec, cwd: string, projectDir: string): string {
  switch (spec.kind) {
    case 'usb':
      return spec.serial === undefined ? 'usb' : `usb:${spec.serial}`;
    case 'tcp':
      return `tcp://${spec.host.includes(':') ? `[${spec.host}]` : spec.host}:${spec.port}`;
    case 'sim': {
      const file = (path: string): string => {
        const absolute = resolve(cwd, path);
        const inside = relative(projectDir, absolute);
        return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside) ? inside : absolute;
      };
      const keys: string[] = [];
      if (spec.state !== undefined) keys.push(`state=${file(spec.state)}`);
      if (spec.firmware !== undefined) keys.push(`firmware=${file(spec.firmware)}`);
      if (spec.model !== 'v2-1') keys.push(`model=${spec.model}`);
      if (!spec.powered) keys.push('power=off');
      if (spec.realtime === true) keys.push('realtime=on');
      if (spec.uptimeSeconds !== undefined) keys.push(`uptime=${spec.uptimeSeconds}`);
      const f = spec.faults;
      if (f?.cutLinkAfterCommands !== undefined) keys.push(`cut-link-after=${f.cutLinkAfterCommands}`);
      if (f?.cutLinkAtSeconds !== undefined) keys.push(`cut-link-at=${f.cutLinkAtSeconds}`);
      if (f?.cutPowerAfterCommands !== undefined) keys.push(`cut-power-after=${f.cutPowerAfterCommands}`);
      if (f?.cutPowerAtSeconds !== undefined) keys.push(`cut-power-at=${f.cutPowerAtSeconds}`);
      return keys.length === 0 ? 'sim' : `sim:${keys.join(',')}`;
    }
  }
}
