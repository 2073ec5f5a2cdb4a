/*
 * Register addresses and bits used by the swdkit test firmware, STM32F407 (RM0090) and Cortex-M4
 * (ARMv7-M Architecture Reference Manual, "ARMv7-M ARM"). Written for this project; register and bit
 * names follow the manuals. Only what the programs use is defined.
 */
#ifndef SWDKIT_STM32F407_H
#define SWDKIT_STM32F407_H

#include <stdint.h>

#define MMIO32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

/* ---- RCC, reset and clock control (RM0090 section 7.3), base 0x40023800 ---- */
#define RCC_BASE            0x40023800u
#define RCC_CR              MMIO32(RCC_BASE + 0x00u)
#define RCC_CFGR            MMIO32(RCC_BASE + 0x08u)
#define RCC_AHB1ENR         MMIO32(RCC_BASE + 0x30u)
#define RCC_APB1ENR         MMIO32(RCC_BASE + 0x40u)
#define RCC_APB2ENR         MMIO32(RCC_BASE + 0x44u)
#define RCC_CSR             MMIO32(RCC_BASE + 0x74u)

#define RCC_AHB1ENR_GPIOAEN (1u << 0)
#define RCC_AHB1ENR_GPIODEN (1u << 3)
#define RCC_APB1ENR_PWREN   (1u << 28)

#define RCC_CSR_LSION       (1u << 0)
#define RCC_CSR_LSIRDY      (1u << 1)
#define RCC_CSR_RMVF        (1u << 24)
#define RCC_CSR_BORRSTF     (1u << 25)
#define RCC_CSR_PINRSTF     (1u << 26)
#define RCC_CSR_PORRSTF     (1u << 27)
#define RCC_CSR_SFTRSTF     (1u << 28)
#define RCC_CSR_IWDGRSTF    (1u << 29)
#define RCC_CSR_WWDGRSTF    (1u << 30)
#define RCC_CSR_LPWRRSTF    (1u << 31)

/* ---- GPIO (RM0090 section 8.4) ---- */
#define GPIOA_BASE          0x40020000u
#define GPIOD_BASE          0x40020C00u
#define GPIO_MODER(base)    MMIO32((base) + 0x00u)
#define GPIO_OTYPER(base)   MMIO32((base) + 0x04u)
#define GPIO_OSPEEDR(base)  MMIO32((base) + 0x08u)
#define GPIO_PUPDR(base)    MMIO32((base) + 0x0Cu)
#define GPIO_IDR(base)      MMIO32((base) + 0x10u)
#define GPIO_ODR(base)      MMIO32((base) + 0x14u)
#define GPIO_BSRR(base)     MMIO32((base) + 0x18u)
#define GPIOA_MODER         GPIO_MODER(GPIOA_BASE)
#define GPIOA_OTYPER        GPIO_OTYPER(GPIOA_BASE)
#define GPIOA_PUPDR         GPIO_PUPDR(GPIOA_BASE)
#define GPIOA_ODR           GPIO_ODR(GPIOA_BASE)
#define GPIOA_BSRR          GPIO_BSRR(GPIOA_BASE)
#define GPIOD_MODER         GPIO_MODER(GPIOD_BASE)
#define GPIOD_ODR           GPIO_ODR(GPIOD_BASE)
#define GPIOD_BSRR          GPIO_BSRR(GPIOD_BASE)

#define GPIO_MODE_INPUT     0u
#define GPIO_MODE_OUTPUT    1u
#define GPIO_MODE_AF        2u
#define GPIO_MODE_ANALOG    3u
/* MODERy occupies bits 2y+1:2y. */
#define GPIO_MODER_MASK(pin)        (3u << (2u * (pin)))
#define GPIO_MODER_VAL(pin, mode)   ((uint32_t)(mode) << (2u * (pin)))
#define GPIO_BSRR_BS(pin)   (1u << (pin))
#define GPIO_BSRR_BR(pin)   (1u << ((pin) + 16u))

/* ---- PWR, power controller (RM0090 section 5.4), base 0x40007000 ---- */
#define PWR_BASE            0x40007000u
#define PWR_CR              MMIO32(PWR_BASE + 0x00u)
#define PWR_CSR             MMIO32(PWR_BASE + 0x04u)
#define PWR_CR_LPDS         (1u << 0)
#define PWR_CR_PDDS         (1u << 1)
#define PWR_CR_CWUF         (1u << 2)
#define PWR_CR_CSBF         (1u << 3)
#define PWR_CR_FPDS         (1u << 9)
#define PWR_CSR_WUF         (1u << 0)
#define PWR_CSR_SBF         (1u << 1)
#define PWR_CSR_EWUP        (1u << 8)

/* ---- FLASH interface (RM0090 section 3.9), base 0x40023C00 ---- */
#define FLASH_BASE_R        0x40023C00u
#define FLASH_ACR           MMIO32(FLASH_BASE_R + 0x00u)
#define FLASH_KEYR          MMIO32(FLASH_BASE_R + 0x04u)
#define FLASH_OPTKEYR       MMIO32(FLASH_BASE_R + 0x08u)
#define FLASH_SR            MMIO32(FLASH_BASE_R + 0x0Cu)
#define FLASH_CR            MMIO32(FLASH_BASE_R + 0x10u)
#define FLASH_OPTCR         MMIO32(FLASH_BASE_R + 0x14u)
#define FLASH_SR_EOP        (1u << 0)
#define FLASH_SR_OPERR      (1u << 1)
#define FLASH_SR_WRPERR     (1u << 4)
#define FLASH_SR_PGAERR     (1u << 5)
#define FLASH_SR_PGPERR     (1u << 6)
#define FLASH_SR_PGSERR     (1u << 7)
#define FLASH_SR_BSY        (1u << 16)
#define FLASH_OPTCR_OPTLOCK (1u << 0)
#define FLASH_OPTCR_OPTSTRT (1u << 1)
#define FLASH_OPTCR_RDP_SHIFT 8u
#define FLASH_OPTCR_RDP_MASK  (0xFFu << FLASH_OPTCR_RDP_SHIFT)
#define FLASH_OPTKEY1       0x08192A3Bu
#define FLASH_OPTKEY2       0x4C5D6E7Fu
#define FLASH_RDP_LEVEL0    0xAAu
#define FLASH_RDP_LEVEL1    0x55u   /* any value other than 0xAA and 0xCC is level 1 */
#define FLASH_RDP_LEVEL2    0xCCu

/* ---- IWDG, independent watchdog (RM0090 section 19.4), base 0x40003000 ---- */
#define IWDG_BASE           0x40003000u
#define IWDG_KR             MMIO32(IWDG_BASE + 0x00u)
#define IWDG_PR             MMIO32(IWDG_BASE + 0x04u)
#define IWDG_RLR            MMIO32(IWDG_BASE + 0x08u)
#define IWDG_SR             MMIO32(IWDG_BASE + 0x0Cu)
#define IWDG_KR_ACCESS      0x5555u   /* enable write access to IWDG_PR and IWDG_RLR */
#define IWDG_KR_RELOAD      0xAAAAu   /* reload the counter from IWDG_RLR ("feed") */
#define IWDG_KR_START       0xCCCCu   /* start the watchdog (forces the LSI on) */
#define IWDG_SR_PVU         (1u << 0)
#define IWDG_SR_RVU         (1u << 1)

/* ---- EXTI (RM0090 section 12.3), base 0x40013C00 ---- */
#define EXTI_BASE           0x40013C00u
#define EXTI_IMR            MMIO32(EXTI_BASE + 0x00u)
#define EXTI_EMR            MMIO32(EXTI_BASE + 0x04u)
#define EXTI_RTSR           MMIO32(EXTI_BASE + 0x08u)
#define EXTI_FTSR           MMIO32(EXTI_BASE + 0x0Cu)
#define EXTI_PR             MMIO32(EXTI_BASE + 0x14u)

/* ---- DBGMCU (RM0090 section 38.16), base 0xE0042000 ---- */
#define DBGMCU_BASE         0xE0042000u
#define DBGMCU_IDCODE       MMIO32(DBGMCU_BASE + 0x00u)
#define DBGMCU_CR           MMIO32(DBGMCU_BASE + 0x04u)
#define DBGMCU_APB1_FZ      MMIO32(DBGMCU_BASE + 0x08u)
#define DBGMCU_APB2_FZ      MMIO32(DBGMCU_BASE + 0x0Cu)
#define DBGMCU_CR_DBG_SLEEP   (1u << 0)
#define DBGMCU_CR_DBG_STOP    (1u << 1)
#define DBGMCU_CR_DBG_STANDBY (1u << 2)
#define DBGMCU_APB1_FZ_DBG_IWDG_STOP (1u << 12)

/* ---- System control block (ARMv7-M ARM B3.2) ---- */
#define SCB_ACTLR           MMIO32(0xE000E008u)
#define SCB_CPUID           MMIO32(0xE000ED00u)
#define SCB_ICSR            MMIO32(0xE000ED04u)
#define SCB_VTOR            MMIO32(0xE000ED08u)
#define SCB_AIRCR           MMIO32(0xE000ED0Cu)
#define SCB_SCR             MMIO32(0xE000ED10u)
#define SCB_CCR             MMIO32(0xE000ED14u)
#define SCB_SHPR1           MMIO32(0xE000ED18u)
#define SCB_SHPR2           MMIO32(0xE000ED1Cu)
#define SCB_SHPR3           MMIO32(0xE000ED20u)
#define SCB_SHCSR           MMIO32(0xE000ED24u)
#define SCB_CFSR            MMIO32(0xE000ED28u)
#define SCB_HFSR            MMIO32(0xE000ED2Cu)
#define SCB_DFSR            MMIO32(0xE000ED30u)
#define SCB_MMFAR           MMIO32(0xE000ED34u)
#define SCB_BFAR            MMIO32(0xE000ED38u)
#define SCB_AFSR            MMIO32(0xE000ED3Cu)
#define SCB_CPACR           MMIO32(0xE000ED88u)
#define SCB_STIR            MMIO32(0xE000EF00u)
#define FPU_FPCCR           MMIO32(0xE000EF34u)
#define FPU_FPCAR           MMIO32(0xE000EF38u)
#define FPU_FPDSCR          MMIO32(0xE000EF3Cu)

#define SCB_ICSR_VECTACTIVE_MASK 0x1FFu
#define SCB_ICSR_RETTOBASE  (1u << 11)
#define SCB_ICSR_VECTPENDING_SHIFT 12u
#define SCB_ICSR_VECTPENDING_MASK (0x1FFu << 12)
#define SCB_ICSR_ISRPENDING (1u << 22)
#define SCB_ICSR_PENDSTCLR  (1u << 25)
#define SCB_ICSR_PENDSTSET  (1u << 26)
#define SCB_ICSR_PENDSVCLR  (1u << 27)
#define SCB_ICSR_PENDSVSET  (1u << 28)
#define SCB_ICSR_NMIPENDSET (1u << 31)

#define SCB_AIRCR_VECTKEY   (0x05FAu << 16)
#define SCB_AIRCR_SYSRESETREQ (1u << 2)

#define SCB_SCR_SLEEPONEXIT (1u << 1)
#define SCB_SCR_SLEEPDEEP   (1u << 2)
#define SCB_SCR_SEVONPEND   (1u << 4)

#define SCB_CCR_NONBASETHRDENA (1u << 0)
#define SCB_CCR_USERSETMPEND (1u << 1)
#define SCB_CCR_UNALIGN_TRP (1u << 3)
#define SCB_CCR_DIV_0_TRP   (1u << 4)
#define SCB_CCR_BFHFNMIGN   (1u << 8)
#define SCB_CCR_STKALIGN    (1u << 9)

#define SCB_SHCSR_MEMFAULTACT (1u << 0)
#define SCB_SHCSR_BUSFAULTACT (1u << 1)
#define SCB_SHCSR_USGFAULTACT (1u << 3)
#define SCB_SHCSR_SVCALLACT (1u << 7)
#define SCB_SHCSR_MONITORACT (1u << 8)
#define SCB_SHCSR_PENDSVACT (1u << 10)
#define SCB_SHCSR_SYSTICKACT (1u << 11)
#define SCB_SHCSR_USGFAULTPENDED (1u << 12)
#define SCB_SHCSR_SVCALLPENDED (1u << 15)
#define SCB_SHCSR_MEMFAULTENA (1u << 16)
#define SCB_SHCSR_BUSFAULTENA (1u << 17)
#define SCB_SHCSR_USGFAULTENA (1u << 18)

/* CFSR = UFSR (31:16) | BFSR (15:8) | MMFSR (7:0) */
#define SCB_CFSR_IACCVIOL   (1u << 0)
#define SCB_CFSR_DACCVIOL   (1u << 1)
#define SCB_CFSR_MMARVALID  (1u << 7)
#define SCB_CFSR_IBUSERR    (1u << 8)
#define SCB_CFSR_PRECISERR  (1u << 9)
#define SCB_CFSR_IMPRECISERR (1u << 10)
#define SCB_CFSR_BFARVALID  (1u << 15)
#define SCB_CFSR_UNDEFINSTR (1u << 16)
#define SCB_CFSR_INVSTATE   (1u << 17)
#define SCB_CFSR_INVPC      (1u << 18)
#define SCB_CFSR_NOCP       (1u << 19)
#define SCB_CFSR_UNALIGNED  (1u << 24)
#define SCB_CFSR_DIVBYZERO  (1u << 25)
#define SCB_HFSR_VECTTBL    (1u << 1)
#define SCB_HFSR_FORCED     (1u << 30)
#define SCB_HFSR_DEBUGEVT   (1u << 31)

/* CPACR: CP10 (bits 21:20) and CP11 (bits 23:22), 0b11 = full access */
#define SCB_CPACR_CP10_CP11_FULL (0xFu << 20)

#define FPU_FPCCR_LSPACT    (1u << 0)
#define FPU_FPCCR_LSPEN     (1u << 30)
#define FPU_FPCCR_ASPEN     (1u << 31)

/* ---- SysTick (ARMv7-M ARM B3.3) ---- */
#define SYST_CSR            MMIO32(0xE000E010u)
#define SYST_RVR            MMIO32(0xE000E014u)
#define SYST_CVR            MMIO32(0xE000E018u)
#define SYST_CALIB          MMIO32(0xE000E01Cu)
#define SYST_CSR_ENABLE     (1u << 0)
#define SYST_CSR_TICKINT    (1u << 1)
#define SYST_CSR_CLKSOURCE  (1u << 2)   /* 1 = processor clock */
#define SYST_CSR_COUNTFLAG  (1u << 16)

/* ---- NVIC (ARMv7-M ARM B3.4); the STM32F407 has 82 interrupts, so 3 words of each ---- */
#define NVIC_ISER(n)        MMIO32(0xE000E100u + 4u * (n))
#define NVIC_ICER(n)        MMIO32(0xE000E180u + 4u * (n))
#define NVIC_ISPR(n)        MMIO32(0xE000E200u + 4u * (n))
#define NVIC_ICPR(n)        MMIO32(0xE000E280u + 4u * (n))
#define NVIC_IABR(n)        MMIO32(0xE000E300u + 4u * (n))
#define NVIC_IPR_BYTE(irq)  (*(volatile uint8_t *)(uintptr_t)(0xE000E400u + (irq)))
#define STM32F407_IRQ_COUNT 82u

/* A constant for debuggers and tests: kept in flash by the linker script (KEEP of .rodata.keep.*)
 * even when the code folds its value and never loads it. */
#define KEEP_CONST(name) __attribute__((used, section(".rodata.keep." #name)))

/* The HSI RC oscillator clocks the core after reset: 16 MHz (RM0090 section 6.2.2). */
#define HSI_HZ              16000000u

static inline void dsb(void) { __asm volatile("dsb" ::: "memory"); }
static inline void isb(void) { __asm volatile("isb" ::: "memory"); }
static inline void wfi(void) { __asm volatile("wfi" ::: "memory"); }
static inline void cpsid_i(void) { __asm volatile("cpsid i" ::: "memory"); }
static inline void cpsie_i(void) { __asm volatile("cpsie i" ::: "memory"); }

/* Busy-waits `ms` milliseconds at the 16 MHz reset clock with SysTick polled (no interrupt). */
static inline void delay_ms_hsi(uint32_t ms)
{
    SYST_CSR = 0;
    SYST_RVR = HSI_HZ / 1000u - 1u;
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_CLKSOURCE | SYST_CSR_ENABLE;
    while (ms != 0u) {
        if (SYST_CSR & SYST_CSR_COUNTFLAG) {   /* reading CSR clears COUNTFLAG */
            ms--;
        }
    }
    SYST_CSR = 0;
}

#endif
