import type { DataPhase, ProbeIdentity, StLinkDevice, StLinkTransport } from '../protocol/link.js';
import { BadInputError, UnavailableError } from '../util/errors.js';
import { closedTransportError } from './errors.js';
import { COMMAND_LENGTH } from '../protocol/frame.js';

/**
 * A StLinkTransport straight onto a StLinkDevice in the same process (the virtual probe): no bytes
 * leave the process, but the same 16-byte command and data-phase shape is enforced so code tested here
 * behaves the same over USB and TCP.
 */
export class InProcessTransport implements StLinkTransport {
  readonly identity: ProbeIdentity;
  private closed = false;

  constructor(private readonly device: StLinkDevice) {
    this.identity = device.identity;
  }

  async exchange(command: Uint8Array, phase: DataPhase): Promise<Uint8Array> {
    this.ensureOpen();
    if (command.length !== COMMAND_LENGTH) {
      throw new BadInputError(
        'usb-command-size',
        `An ST-Link command block is ${COMMAND_LENGTH} bytes, not ${command.length}.`,
      );
    }
    const reply = await this.device.exchange(command, phase);
    if (phase.kind === 'read' && reply.length !== phase.length) {
      throw new UnavailableError(
        'short-read',
        `${this.identity.location} answered ${reply.length} bytes to a read of ${phase.length}.`,
      );
    }
    return phase.kind === 'read' ? reply : new Uint8Array(0);
  }

  async readTrace(length: number): Promise<Uint8Array> {
    this.ensureOpen();
    return await this.device.readTrace(length);
  }

  modelledNanoseconds(): number {
    return this.device.modelledNanoseconds?.() ?? 0;
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  private ensureOpen(): void {
    if (this.closed) throw closedTransportError(this.identity.location);
  }
}
