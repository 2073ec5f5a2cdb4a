/** The STM32F405/407/415/417 flash driver: erase, option bytes, and programming through the RAM loader. */
export { LOADER_LAYOUT, Stm32f4Flash, type CrcRange, type Stm32f4FlashOptions } from './driver.js';
export { flashStatusError } from './flash-status.js';
export { STM32F4_LOADER_ENTRY, stm32f4LoaderCode } from './loader-image.js';
export {
  applyOptionChange,
  BOR_LEVELS,
  decodeOptcr,
  readOptions,
  RDP_LEVEL_0,
  writeOptions,
  type OptionChange,
  type Stm32f4Options,
  type WriteOptionsContext,
} from './option-bytes.js';
export { PARALLELISM, parallelismForVoltage, PSIZE_MIN_VOLTS, type Parallelism } from './psize.js';
