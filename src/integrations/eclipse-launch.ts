import type { IdeDevice } from './device.js';

/**
 * Eclipse CDT "GDB Hardware Debugging" against `swdkit gdbserver`: the settings as a person enters
 * them in the launch dialog, and the same as a shared launch file (`NAME.launch` in the project, which
 * Eclipse lists under Debug Configurations by itself). The attribute keys are CDT's own
 * (org.eclipse.cdt.debug.gdbjtag.core's IGDBJtagConstants, the CDT launch and DSF-GDB ones); the
 * "Generic TCP/IP" device connects with `target remote HOST:PORT`.
 */

export interface EclipseOptions {
  readonly device: IdeDevice;
  /** The Eclipse project the launch belongs to. */
  readonly project: string;
  /** The ELF, relative to the project (CDT's managed build writes Debug/PROJECT.elf). */
  readonly program: string;
  readonly host: string;
  readonly port: number;
  /** The gdb to run: gdb-multiarch or arm-none-eabi-gdb. */
  readonly gdb: string;
}

/** The commands run after connecting and before loading: a reset that stops at the reset vector. */
export const ECLIPSE_INIT_COMMANDS = ['monitor reset halt'];

/**
 * The Startup tab's Run Commands, which CDT sends after the load and the stop-at breakpoint, before it
 * resumes: a second reset, so the program starts from the vectors just written (SP and PC) and not
 * from the core state before the load. Without it a first debug session on a blank chip runs the new
 * image on the blank reset's SP (0xFFFFFFFC) and faults on its first push, as the peer test showed.
 */
export const ECLIPSE_RUN_COMMANDS = ['monitor reset halt'];

type Attribute = readonly ['string' | 'int' | 'boolean', string, string];

const JTAG = 'org.eclipse.cdt.debug.gdbjtag.core';

function attributes(options: EclipseOptions): Attribute[] {
  return [
    ['string', 'org.eclipse.cdt.launch.PROJECT_ATTR', options.project],
    ['string', 'org.eclipse.cdt.launch.PROGRAM_NAME', options.program],
    ['string', 'org.eclipse.cdt.dsf.gdb.DEBUG_NAME', options.gdb],
    ['string', 'org.eclipse.cdt.launch.DEBUGGER_START_MODE', 'remote'],
    ['boolean', `${JTAG}.useRemoteTarget`, 'true'],
    ['string', `${JTAG}.jtagDeviceId`, `${JTAG}.jtagdevice.genericDevice`],
    ['string', `${JTAG}.ipAddress`, options.host],
    ['int', `${JTAG}.portNumber`, String(options.port)],
    // Startup tab: swdkit's monitor does the reset; CDT's generic device would send its own otherwise.
    ['boolean', `${JTAG}.doReset`, 'false'],
    ['boolean', `${JTAG}.doHalt`, 'false'],
    ['int', `${JTAG}.delay`, '0'],
    ['string', `${JTAG}.initCommands`, ECLIPSE_INIT_COMMANDS.join('\n')],
    ['boolean', `${JTAG}.loadImage`, 'true'],
    ['boolean', `${JTAG}.useProjBinaryForImage`, 'true'],
    ['boolean', `${JTAG}.loadSymbols`, 'true'],
    ['boolean', `${JTAG}.useProjBinaryForSymbols`, 'true'],
    ['boolean', `${JTAG}.setStopAt`, 'true'],
    ['string', `${JTAG}.stopAt`, 'main'],
    ['string', `${JTAG}.runCommands`, ECLIPSE_RUN_COMMANDS.join('\n')],
    ['boolean', `${JTAG}.setResume`, 'true'],
  ];
}

function xmlAttribute(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('"', '&quot;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('\n', '&#10;');
}

/** The launch file, as Eclipse writes one. */
export function eclipseLaunchXml(options: EclipseOptions): string {
  const lines = attributes(options).map(
    ([kind, key, value]) => `<${kind}Attribute key="${xmlAttribute(key)}" value="${xmlAttribute(value)}"/>`,
  );
  return [
    '<?xml version="1.0" encoding="UTF-8" standalone="no"?>',
    '<launchConfiguration type="org.eclipse.cdt.debug.gdbjtag.launchConfigurationType">',
    ...lines,
    '</launchConfiguration>',
    '',
  ].join('\n');
}

/** The same settings as the dialog shows them, tab by tab. */
export function eclipseSettingsText(options: EclipseOptions): string {
  return [
    `Run > Debug Configurations… > GDB Hardware Debugging > New (for ${options.device.part})`,
    'Main',
    `  Project:                 ${options.project}`,
    `  C/C++ Application:       ${options.program}`,
    'Debugger',
    `  GDB Command:             ${options.gdb}`,
    '  Use remote target:       yes',
    '  JTAG Device:             Generic TCP/IP',
    `  Host name or IP address: ${options.host}`,
    `  Port number:             ${options.port}`,
    'Startup',
    '  Reset and Delay:         off    Halt: off',
    `  Initialization Commands: ${ECLIPSE_INIT_COMMANDS.join('; ')}`,
    '  Load image:              yes, from the project binary',
    '  Load symbols:            yes, from the project binary',
    '  Set breakpoint at:       main',
    `  Run Commands:            ${ECLIPSE_RUN_COMMANDS.join('; ')}`,
    '  Resume:                  yes',
  ].join('\n');
}
