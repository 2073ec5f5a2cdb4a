/**
 * swdkit's knowledge of other tools' messages, as data: one file per tool, shared causes in
 * causes.ts, checked by schema.ts when loaded (knowledge-base.ts).
 */
import type { KnowledgeBaseData } from '../schema.js';
import { CUBEPROGRAMMER_ENTRIES } from './stm32cubeprogrammer.js';
import { OPENOCD_ENTRIES } from './openocd.js';
import { PLATFORMIO_ENTRIES } from './platformio.js';
import { PROBE_RS_ENTRIES } from './probe-rs.js';
import { PYOCD_ENTRIES } from './pyocd.js';
import { ST_FLASH_ENTRIES } from './st-flash.js';
import { TOOLS } from './tools.js';
import { USB_ENTRIES } from './usb.js';

export const KNOWLEDGE_BASE: KnowledgeBaseData = {
  tools: [...TOOLS],
  entries: [
    ...OPENOCD_ENTRIES,
    ...PLATFORMIO_ENTRIES,
    ...ST_FLASH_ENTRIES,
    ...CUBEPROGRAMMER_ENTRIES,
    ...PYOCD_ENTRIES,
    ...PROBE_RS_ENTRIES,
    ...USB_ENTRIES,
  ],
};
