/*
 * swd-off: firmware that takes the SWD pins away from the debugger.
 *
 * Shows: about 750 ms after reset (SysTick polled at the 16 MHz HSI reset clock) PA13 (SWDIO) and
 * PA14 (SWCLK) are switched from their reset function, alternate function AF0 = SW-DP, to GPIO
 * push-pull outputs driven low (GPIOA_MODER bits 27:26 and 29:28 = 01). From then on the SW-DP
 * cannot be reached: a probe sees no ACK until the chip is held in reset ("connect under reset")
 * and the program is erased or never gets that far. The green LED (PD12) lights when the pins are
 * gone, as a sign for a human.
 *
 * How a debugger or test observes it:
 *   swd_off_stage  volatile uint32_t: 1 = main entered, 2 = delay over, 3 = GPIOA and GPIOD clocked,
 *                  4 = PA13/PA14 are outputs (SWD gone); readable only before stage 4, or after a
 *                  connect under reset (then it reads 1 or 0 again: the program restarted)
 *   swd_off_loops  volatile uint32_t, +1 per iteration of the final loop
 *   GPIOA_MODER (0x40020000): reset value 0xA8000000, 0x94000000 once SWD is off (PA15 stays AF)
 *   swd_off_delay_ms  const (in flash), the delay used (750)
 */
#include <stdint.h>
#include "stm32f407.h"

#define PIN_SWDIO 13u
#define PIN_SWCLK 14u
#define PIN_LED_GREEN 12u

KEEP_CONST(swd_off_delay_ms) const uint32_t swd_off_delay_ms = 750u;
volatile uint32_t swd_off_stage;
volatile uint32_t swd_off_loops;

int main(void)
{
    swd_off_stage = 1;
    delay_ms_hsi(swd_off_delay_ms);
    swd_off_stage = 2;

    RCC_AHB1ENR |= RCC_AHB1ENR_GPIOAEN | RCC_AHB1ENR_GPIODEN;
    (void)RCC_AHB1ENR;
    swd_off_stage = 3;

    GPIOD_MODER = (GPIOD_MODER & ~GPIO_MODER_MASK(PIN_LED_GREEN)) |
                  GPIO_MODER_VAL(PIN_LED_GREEN, GPIO_MODE_OUTPUT);

    /* Output level low, push-pull (OTYPER reset value), then take the pins. */
    GPIOA_BSRR = GPIO_BSRR_BR(PIN_SWDIO) | GPIO_BSRR_BR(PIN_SWCLK);
    GPIOA_OTYPER &= ~((1u << PIN_SWDIO) | (1u << PIN_SWCLK));
    uint32_t moder = GPIOA_MODER;
    moder &= ~(GPIO_MODER_MASK(PIN_SWDIO) | GPIO_MODER_MASK(PIN_SWCLK));
    moder |= GPIO_MODER_VAL(PIN_SWDIO, GPIO_MODE_OUTPUT) | GPIO_MODER_VAL(PIN_SWCLK, GPIO_MODE_OUTPUT);
    GPIOA_MODER = moder;
    swd_off_stage = 4;

    GPIOD_BSRR = GPIO_BSRR_BS(PIN_LED_GREEN);
    for (;;) {
        swd_off_loops++;
    }
}
