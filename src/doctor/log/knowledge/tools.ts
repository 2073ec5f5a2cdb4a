/** How each tool's output is recognised, and what its error lines look like. */
import type { ToolData } from '../schema.js';

export const TOOLS: readonly ToolData[] = [
  {
    id: 'platformio',
    name: 'PlatformIO',
    wrapper: true,
    fingerprints: [
      {
        contains: 'Processing ',
        pattern: String.raw`^Processing \S+ \(platform: `,
        examples: ['Processing disco_f407vg (platform: ststm32; board: disco_f407vg; framework: stm32cube)'],
      },
      {
        contains: 'Configuring upload protocol',
        pattern: String.raw`^Configuring upload protocol\.\.\.`,
        examples: ['Configuring upload protocol...'],
      },
      {
        contains: '[upload] Error',
        pattern: String.raw`^\*\*\* \[upload\] Error \d+`,
        examples: ['*** [upload] Error 1'],
      },
    ],
    errorLines: [
      {
        contains: '[FAILED]',
        pattern: String.raw`\[FAILED\] Took`,
        examples: ['==== [FAILED] Took 6.03 seconds ===='],
      },
    ],
  },
  {
    id: 'openocd',
    name: 'OpenOCD',
    wrapper: false,
    fingerprints: [
      {
        contains: 'Open On-Chip Debugger',
        pattern: String.raw`^Open On-Chip Debugger \d`,
        examples: ['Open On-Chip Debugger 0.12.0'],
      },
      {
        contains: ' : ',
        pattern: String.raw`^(?:Info|Warn|Error|Debug) : `,
        examples: ['Info : clock speed 2000 kHz'],
      },
      {
        contains: 'in procedure',
        pattern: String.raw`^in procedure '`,
        examples: ["in procedure 'program'"],
      },
    ],
    errorLines: [
      {
        contains: 'Error',
        pattern: String.raw`^Error(?::| :| )`,
        examples: ['Error: something new', 'Error : 12 foo'],
      },
    ],
  },
  {
    id: 'st-flash',
    name: 'st-flash (stlink-org)',
    wrapper: false,
    fingerprints: [
      {
        contains: 'st-flash',
        pattern: String.raw`^st-(?:flash|info|util) v?\d+\.\d+`,
        examples: ['st-flash 1.8.0'],
      },
      {
        contains: '.c: ',
        pattern: String.raw`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d (?:INFO|WARN|ERROR|DEBUG) \S+\.c: `,
        examples: ['2020-12-27T11:16:13 WARN usb.c: NRST is not connected'],
      },
    ],
    errorLines: [
      {
        contains: 'ERROR',
        pattern: String.raw` ERROR \S+\.c: `,
        examples: ['2020-12-27T11:16:13 ERROR usb.c: something'],
      },
    ],
  },
  {
    id: 'stm32cubeprogrammer',
    name: 'STM32CubeProgrammer',
    wrapper: false,
    fingerprints: [
      {
        contains: 'STM32CubeProgrammer',
        pattern: String.raw`STM32CubeProgrammer v\d`,
        examples: ['      STM32CubeProgrammer v2.16.0'],
      },
      {
        contains: 'ST-LINK SN',
        pattern: String.raw`ST-LINK SN +: `,
        examples: ['ST-LINK SN  : 066DFF485457725187092347'],
      },
    ],
    errorLines: [
      {
        contains: 'Error:',
        pattern: String.raw`^(?:\d\d:\d\d:\d\d : )?Error: `,
        examples: ['Error: something'],
      },
    ],
  },
  {
    id: 'pyocd',
    name: 'pyOCD',
    wrapper: false,
    fingerprints: [
      ...['__main__', 'board', 'session', 'loader', 'stlink'].map((logger) => ({
        contains: ` [${logger}]`,
        pattern: String.raw`^\d{7} [DIWEC] .* \[` + logger + String.raw`\]$`,
        examples: [`0000746 I Target type is stm32f407vg [${logger}]`],
      })),
      {
        contains: 'pyocd',
        pattern: String.raw`site-packages/pyocd/`,
        examples: ['  File "/usr/lib/python3/site-packages/pyocd/__main__.py", line 161, in run'],
      },
    ],
    errorLines: [
      {
        contains: ' C ',
        pattern: String.raw`^\d{7} [EC] `,
        examples: ['0001146 C Memory transfer fault [__main__]'],
      },
    ],
  },
  {
    id: 'probe-rs',
    name: 'probe-rs',
    wrapper: false,
    fingerprints: [
      {
        contains: 'probe_rs',
        pattern: String.raw`(?:WARN|ERROR|INFO) probe_rs`,
        examples: ['ERROR probe_rs::session: Unable to wait for 0 halted'],
      },
      {
        contains: 'probe-rs',
        pattern: String.raw`^\s*Running .probe-rs (?:run|download|attach)`,
        examples: ['     Running `probe-rs run --chip STM32F407VGTx target/thumbv7em-none-eabihf/debug/app`'],
      },
    ],
    errorLines: [{ contains: 'Error: ', pattern: String.raw`^Error: `, examples: ['Error: something'] }],
  },
];
