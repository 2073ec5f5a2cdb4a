import type { AccessSize, ClockEnable, Peripheral } from './peripheral.js';
import { mergeWrite, readLane } from './peripheral.js';

/** A register of a peripheral that is present but not modelled: its reset value (RM0090). */
export interface ResetValue {
  readonly offset: number;
  readonly value: number;
}

/**
 * A peripheral the board does not model: its registers exist, start at their RM0090 reset values
 * and hold what is written, so firmware that configures a timer or SPI it never relies on still
 * runs. Nothing behaves; a firmware that waits on such a peripheral's flag will wait for ever,
 * which is the honest outcome of an unmodelled block.
 */
export class ResetValuePeripheral implements Peripheral {
  private readonly words: Int32Array;

  constructor(
    readonly name: string,
    readonly base: number,
    readonly clockEnable: ClockEnable | undefined,
    private readonly resetValues: readonly ResetValue[] = [],
    readonly size = 0x400,
  ) {
    this.words = new Int32Array(size >>> 2);
    this.reset();
  }

  read(offset: number, size: AccessSize): number {
    return readLane(this.words[offset >>> 2]!, offset, size);
  }

  write(offset: number, size: AccessSize, value: number): void {
    const index = offset >>> 2;
    this.words[index] = mergeWrite(this.words[index]!, offset, size, value);
  }

  reset(): void {
    this.words.fill(0);
    for (const { offset, value } of this.resetValues) this.words[offset >>> 2] = value;
  }
}

const apb1 = (bit: number): ClockEnable => ({ register: 'APB1ENR', bit });
const apb2 = (bit: number): ClockEnable => ({ register: 'APB2ENR', bit });
const ahb1 = (bit: number): ClockEnable => ({ register: 'AHB1ENR', bit });
const ahb2 = (bit: number): ClockEnable => ({ register: 'AHB2ENR', bit });

/** Reset values that are not zero, per register family (RM0090 register maps). */
const SPI_RESET: readonly ResetValue[] = [
  { offset: 0x08, value: 0x0002 }, // SPI_SR: TXE
  { offset: 0x10, value: 0x0007 }, // SPI_CRCPR
];
const USART_RESET: readonly ResetValue[] = [{ offset: 0x00, value: 0x00c0 }]; // USART_SR: TXE, TC
const TIM_RESET: readonly ResetValue[] = [{ offset: 0x2c, value: 0xffff }]; // TIMx_ARR
const TIM32_RESET: readonly ResetValue[] = [{ offset: 0x2c, value: -1 }]; // TIM2/TIM5_ARR

/**
 * Every STM32F407 peripheral of RM0090 table 1 that swdkit does not model, with its clock enable
 * (RM0090 7.3.10–7.3.14). The modelled ones (RCC, PWR, FLASH, GPIOA–E, EXTI, SYSCFG, IWDG, WWDG,
 * USART2) are instantiated by the SoC; GPIOF–I are listed here because the STM32F407VG's 100-pin
 * package has no such pins but the registers exist.
 */
export function unmodelledPeripherals(): ResetValuePeripheral[] {
  const p = (
    name: string,
    base: number,
    enable: ClockEnable | undefined,
    values: readonly ResetValue[] = [],
    size = 0x400,
  ) => new ResetValuePeripheral(name, base, enable, values, size);
  return [
    // APB1 (RM0090 table 1)
    p('TIM2', 0x4000_0000, apb1(0), TIM32_RESET),
    p('TIM3', 0x4000_0400, apb1(1), TIM_RESET),
    p('TIM4', 0x4000_0800, apb1(2), TIM_RESET),
    p('TIM5', 0x4000_0c00, apb1(3), TIM32_RESET),
    p('TIM6', 0x4000_1000, apb1(4), TIM_RESET),
    p('TIM7', 0x4000_1400, apb1(5), TIM_RESET),
    p('TIM12', 0x4000_1800, apb1(6), TIM_RESET),
    p('TIM13', 0x4000_1c00, apb1(7), TIM_RESET),
    p('TIM14', 0x4000_2000, apb1(8), TIM_RESET),
    p('RTC/BKP', 0x4000_2800, undefined),
    p('I2S2ext', 0x4000_3400, undefined, SPI_RESET),
    p('SPI2/I2S2', 0x4000_3800, apb1(14), SPI_RESET),
    p('SPI3/I2S3', 0x4000_3c00, apb1(15), SPI_RESET),
    p('I2S3ext', 0x4000_4000, undefined, SPI_RESET),
    p('USART3', 0x4000_4800, apb1(18), USART_RESET),
    p('UART4', 0x4000_4c00, apb1(19), USART_RESET),
    p('UART5', 0x4000_5000, apb1(20), USART_RESET),
    p('I2C1', 0x4000_5400, apb1(21)),
    p('I2C2', 0x4000_5800, apb1(22)),
    p('I2C3', 0x4000_5c00, apb1(23)),
    p('CAN1', 0x4000_6400, apb1(25)),
    p('CAN2', 0x4000_6800, apb1(26)),
    p('DAC', 0x4000_7400, apb1(29)),
    // APB2
    p('TIM1', 0x4001_0000, apb2(0), TIM_RESET),
    p('TIM8', 0x4001_0400, apb2(1), TIM_RESET),
    p('USART1', 0x4001_1000, apb2(4), USART_RESET),
    p('USART6', 0x4001_1400, apb2(5), USART_RESET),
    p('ADC1-2-3', 0x4001_2000, apb2(8)),
    p('SDIO', 0x4001_2c00, apb2(11)),
    p('SPI1', 0x4001_3000, apb2(12), SPI_RESET),
    p('TIM9', 0x4001_4000, apb2(16), TIM_RESET),
    p('TIM10', 0x4001_4400, apb2(17), TIM_RESET),
    p('TIM11', 0x4001_4800, apb2(18), TIM_RESET),
    // AHB1
    p('GPIOF', 0x4002_1400, ahb1(5)),
    p('GPIOG', 0x4002_1800, ahb1(6)),
    p('GPIOH', 0x4002_1c00, ahb1(7)),
    p('GPIOI', 0x4002_2000, ahb1(8)),
    p('CRC', 0x4002_3000, ahb1(12), [{ offset: 0, value: -1 }]),
    p('DMA1', 0x4002_6000, ahb1(21)),
    p('DMA2', 0x4002_6400, ahb1(22)),
    p('ETHERNET MAC', 0x4002_8000, ahb1(25), [], 0x1400),
    p('USB OTG HS', 0x4004_0000, ahb1(29), [], 0x4_0000),
    // AHB2
    p('USB OTG FS', 0x5000_0000, ahb2(7), [], 0x4_0000),
    p('DCMI', 0x5005_0000, ahb2(0)),
    p('RNG', 0x5006_0800, ahb2(6)),
  ];
}
