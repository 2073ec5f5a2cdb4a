import { InvalidArgumentError } from 'commander';
import { AllowList } from '../server/allow-list.node.js';
import { SwdkitError } from '../util/errors.js';

/** `--port N`: a TCP port; 0 asks the system for a free one (and the ready line says which). */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(port) || port > 65535) {
    throw new InvalidArgumentError(`'${value}' is not a TCP port (0–65535).`);
  }
  return port;
}

/** `--listen ADDR`: an IPv4/IPv6 address or host name to bind; never guessed. */
export function parseListenAddress(value: string): string {
  if (value.trim() === '' || /\s/.test(value)) {
    throw new InvalidArgumentError(
      `'${value}' is not an address to listen on (e.g. 0.0.0.0 or 192.168.1.5).`,
    );
  }
  return value;
}

/** `--allow ADDR|CIDR`, repeatable and comma-separated: checked here, collected in order. */
export function parseAllowEntry(value: string, previous: readonly string[] | undefined): string[] {
  try {
    AllowList.parse([value]);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof SwdkitError ? error.message : String(error));
  }
  return [...(previous ?? []), value];
}
