/*
 * rdp1: firmware that raises the flash read protection to level 1 on its first boot.
 *
 * Shows: if FLASH_OPTCR.RDP (bits 15:8) reads 0xAA (level 0), the program unlocks the option bytes
 * (FLASH_OPTKEYR = 0x08192A3B then 0x4C5D6E7F, which clears FLASH_OPTCR.OPTLOCK), writes RDP = 0x55
 * (level 1) keeping the other option bits, sets FLASH_OPTCR.OPTSTRT and waits for FLASH_SR.BSY to
 * clear (RM0090 section 3.7.2). The new level is loaded from the option bytes at the next reset or
 * power cycle; from then on no flash access is possible while a debugger is connected (RM0090
 * section 3.6.3), so a probe reads no program and cannot halt it usefully. Going back to level 0 requires writing
 * RDP = 0xAA, which mass-erases the flash. Then it loops; the orange LED (PD13) lights if it wrote
 * the option bytes on this boot, the green one (PD12) if the level was already not 0.
 *
 * How a debugger or test observes it:
 *   rdp1_optcr_before  volatile uint32_t, FLASH_OPTCR as read at boot (RDP in bits 15:8)
 *   rdp1_optcr_after   volatile uint32_t, FLASH_OPTCR after programming (or the same value)
 *   rdp1_sr            volatile uint32_t, FLASH_SR after programming (error bits 7:1, BSY 16)
 *   rdp1_state         volatile uint32_t: 1 = main entered, 2 = level was already not 0 (nothing
 *                      done), 3 = option bytes unlocked, 4 = OPTSTRT set, 5 = programming finished
 *   rdp1_loops         volatile uint32_t, +1 per iteration of the final loop
 *   FLASH_OPTCR (0x40023C14) RDP field reads 0x55 after programming.
 */
#include <stdint.h>
#include "stm32f407.h"

#define PIN_LED_GREEN 12u
#define PIN_LED_ORANGE 13u

volatile uint32_t rdp1_optcr_before;
volatile uint32_t rdp1_optcr_after;
volatile uint32_t rdp1_sr;
volatile uint32_t rdp1_state;
volatile uint32_t rdp1_loops;

static void wait_not_busy(void)
{
    while (FLASH_SR & FLASH_SR_BSY) {
    }
}

int main(void)
{
    uint32_t led;
    rdp1_state = 1;
    rdp1_optcr_before = FLASH_OPTCR;

    if (((rdp1_optcr_before & FLASH_OPTCR_RDP_MASK) >> FLASH_OPTCR_RDP_SHIFT) == FLASH_RDP_LEVEL0) {
        wait_not_busy();
        FLASH_OPTKEYR = FLASH_OPTKEY1;
        FLASH_OPTKEYR = FLASH_OPTKEY2;
        rdp1_state = 3;

        uint32_t optcr = FLASH_OPTCR;
        optcr &= ~(FLASH_OPTCR_RDP_MASK | FLASH_OPTCR_OPTSTRT);
        optcr |= FLASH_RDP_LEVEL1 << FLASH_OPTCR_RDP_SHIFT;
        FLASH_OPTCR = optcr;
        FLASH_OPTCR = optcr | FLASH_OPTCR_OPTSTRT;
        rdp1_state = 4;
        wait_not_busy();
        rdp1_sr = FLASH_SR;
        FLASH_OPTCR |= FLASH_OPTCR_OPTLOCK;   /* lock the option bytes again */
        rdp1_state = 5;
        led = PIN_LED_ORANGE;
    } else {
        rdp1_state = 2;
        rdp1_sr = FLASH_SR;
        led = PIN_LED_GREEN;
    }
    rdp1_optcr_after = FLASH_OPTCR;

    RCC_AHB1ENR |= RCC_AHB1ENR_GPIODEN;
    (void)RCC_AHB1ENR;
    GPIOD_MODER = (GPIOD_MODER & ~GPIO_MODER_MASK(led)) | GPIO_MODER_VAL(led, GPIO_MODE_OUTPUT);
    GPIOD_BSRR = GPIO_BSRR_BS(led);

    for (;;) {
        rdp1_loops++;
    }
}
