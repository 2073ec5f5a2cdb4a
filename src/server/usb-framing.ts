import { dataPhaseOf, decodeCommand } from '../protocol/commands.js';
import { STLINK_STATUS } from '../protocol/status.js';
import type { DataPhase } from '../protocol/link.js';
import { MAX_READ_DATA } from '../transport/stlink-server/wire.js';

/**
 * The probe, not the client, decides a command's data phase (A.1): the firmware sends as many bytes
 * as the command produces and waits for as many as it takes. A SEND_USB_CMD whose direction or
 * length disagrees would leave bytes in the probe's pipe, or the probe waiting for some, and the
 * next client's command would get them: one client could break the probe for everyone. So the
 * server moves exactly the protocol's data phase and fits the reply to what the client asked for;
 * what it cannot frame never reaches the probe.
 */
export type UsbFraming =
  /** Send `phase` to the probe; give the client `clientLength` bytes of the reply (cut or zero-padded). */
  | { readonly kind: 'forward'; readonly phase: DataPhase; readonly clientLength: number }
  /** Answer on the probe's behalf with these bytes (fitted to the client's read). */
  | { readonly kind: 'local'; readonly reply: Uint8Array }
  /** The request contradicts the command: BAD_PARAMETER, nothing reaches the probe. */
  | { readonly kind: 'refuse' };

/**
 * `clientPhase` is what the client's SEND_USB_CMD asked for. RW_MISC_IN is not framed here: its
 * length follows from the client's RW_MISC_OUT, whose results the sharing layer keeps (shared-probe.ts).
 */
export function frameUsbCommand(block: Uint8Array, clientPhase: DataPhase): UsbFraming {
  const command = decodeCommand(block);
  if (command.kind === 'RW_MISC_IN') {
    return { kind: 'forward', phase: clientPhase, clientLength: lengthOf(clientPhase) };
  }
  const spec = dataPhaseOf(command);
  if (spec === undefined) {
    // An opcode the protocol does not know (nor, then, the data phase of its answer): what the
    // firmware answers to one it lacks, 0x42 UNKNOWN_CMD in the first byte the client reads.
    return { kind: 'local', reply: Uint8Array.of(STLINK_STATUS.UNKNOWN_CMD) };
  }
  switch (spec.kind) {
    case 'write':
      // Write data of another length than the command says would be cut or waited for.
      return clientPhase.kind === 'write' && clientPhase.data.length === spec.length
        ? { kind: 'forward', phase: clientPhase, clientLength: 0 }
        : { kind: 'refuse' };
    case 'read':
      if (clientPhase.kind === 'write' || spec.length > MAX_READ_DATA) return { kind: 'refuse' };
      return {
        kind: 'forward',
        phase: { kind: 'read', length: spec.length },
        clientLength: lengthOf(clientPhase),
      };
    case 'none':
      if (clientPhase.kind === 'write' && clientPhase.data.length > 0) return { kind: 'refuse' };
      return { kind: 'forward', phase: { kind: 'none' }, clientLength: lengthOf(clientPhase) };
  }
}

function lengthOf(phase: DataPhase): number {
  return phase.kind === 'read' ? phase.length : 0;
}
