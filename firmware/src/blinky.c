/*
 * blinky: the "is it alive" program.
 *
 * Shows: SysTick interrupts at 1 kHz from the 16 MHz HSI reset clock (no PLL, SYST_RVR = 15999,
 * processor clock), and the four Discovery LEDs PD12 (green), PD13 (orange), PD14 (red) and PD15
 * (blue) lit one at a time, each for 250 ms, in that order.
 *
 * How a debugger or test observes it:
 *   blinky_ticks       volatile uint32_t, +1 in every SysTick_Handler (i.e. milliseconds since start)
 *   blinky_loop_count  volatile uint32_t, +1 on every iteration of main's loop (grows fast)
 *   blinky_led         volatile uint32_t, the lit LED's pin number (12..15)
 *   GPIOD_ODR (0x40020C14) bits 15:12: exactly one set; GPIOD_MODER (0x40020C00) bits 31:24 = 0x55
 *   SYST_CSR (0xE000E010) = 0x7 (CLKSOURCE | TICKINT | ENABLE), SYST_RVR (0xE000E014) = 15999
 *   RCC_AHB1ENR (0x40023830) bit 3 (GPIODEN) set
 * Halting and resuming must leave ticks and loop count increasing; after N ms of running,
 * blinky_ticks is about N.
 */
#include <stdint.h>
#include "stm32f407.h"

#define LED_FIRST 12u   /* PD12 green, PD13 orange, PD14 red, PD15 blue */
#define LED_COUNT 4u
#define LED_PERIOD_MS 250u

volatile uint32_t blinky_ticks;
volatile uint32_t blinky_loop_count;
volatile uint32_t blinky_led;

void SysTick_Handler(void)
{
    blinky_ticks++;
}

int main(void)
{
    RCC_AHB1ENR |= RCC_AHB1ENR_GPIODEN;
    (void)RCC_AHB1ENR;   /* read back: the clock is running before GPIOD is touched */

    uint32_t moder = GPIOD_MODER;
    for (uint32_t pin = LED_FIRST; pin < LED_FIRST + LED_COUNT; pin++) {
        moder &= ~GPIO_MODER_MASK(pin);
        moder |= GPIO_MODER_VAL(pin, GPIO_MODE_OUTPUT);
    }
    GPIOD_MODER = moder;

    SYST_CSR = 0;
    SYST_RVR = HSI_HZ / 1000u - 1u;   /* 1 kHz */
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_CLKSOURCE | SYST_CSR_TICKINT | SYST_CSR_ENABLE;

    for (;;) {
        uint32_t led = LED_FIRST + (blinky_ticks / LED_PERIOD_MS) % LED_COUNT;
        if (led != blinky_led || blinky_loop_count == 0u) {
            uint32_t others = 0;
            for (uint32_t pin = LED_FIRST; pin < LED_FIRST + LED_COUNT; pin++) {
                if (pin != led) {
                    others |= GPIO_BSRR_BR(pin);
                }
            }
            GPIOD_BSRR = others | GPIO_BSRR_BS(led);
            blinky_led = led;
        }
        blinky_loop_count++;
    }
}
