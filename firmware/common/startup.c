/*
 * Start-up code for the STM32F407: vector table and Reset_Handler (written for swdkit).
 *
 * The vector table holds the initial main stack pointer, the 15 Cortex-M4 system exception vectors
 * (ARMv7-M ARM B1.5.2, reserved entries are 0) and the STM32F407's 82 interrupt vectors (RM0090
 * table 61). Every handler is a weak alias of Default_Handler, which loops forever: a program
 * overrides one by defining a function of the same name.
 *
 * Reset_Handler enables the FPU (CPACR CP10/CP11 full access, then DSB and ISB) before any code that
 * may contain a floating-point instruction runs: it is written in assembly so the compiler cannot
 * put one ahead of that, and only then calls reset_c (C), which sets VTOR, copies .data from flash,
 * zeroes .bss, calls main and, if main returns, loops.
 */
#include <stdint.h>
#include "stm32f407.h"

extern uint32_t _estack, _sidata, _sdata, _edata, _sbss, _ebss;
extern int main(void);

void Reset_Handler(void);
void Default_Handler(void);

__attribute__((noreturn, used)) void reset_c(void);

__attribute__((naked, noreturn)) void Reset_Handler(void)
{
    __asm volatile(
        "ldr  r0, =0xE000ED88   \n"  /* SCB_CPACR */
        "ldr  r1, [r0]          \n"
        "orr  r1, r1, #0x00F00000 \n" /* CP10 and CP11: full access */
        "str  r1, [r0]          \n"
        "dsb                    \n"
        "isb                    \n"
        "b    reset_c           \n"
        ".ltorg                 \n");
}

__attribute__((noreturn, used)) void reset_c(void)
{
    extern const uint32_t vector_table[];
    SCB_VTOR = (uint32_t)(uintptr_t)vector_table;

    /* Word counts from the linker symbols (compared as integers: they are distinct C objects). */
    const uint32_t *src = &_sidata;
    uint32_t *data = &_sdata;
    uint32_t data_words = (uint32_t)((uintptr_t)&_edata - (uintptr_t)&_sdata) / 4u;
    for (uint32_t i = 0; i < data_words; i++) {
        data[i] = src[i];
    }
    uint32_t *bss = &_sbss;
    uint32_t bss_words = (uint32_t)((uintptr_t)&_ebss - (uintptr_t)&_sbss) / 4u;
    for (uint32_t i = 0; i < bss_words; i++) {
        bss[i] = 0;
    }
    dsb();
    isb();

    (void)main();
    for (;;) {
    }
}

__attribute__((used)) void Default_Handler(void)
{
    for (;;) {
    }
}

#define WEAK_HANDLER(name) void name(void) __attribute__((weak, alias("Default_Handler")));

/* System exceptions */
#define SYSTEM_HANDLERS(X) \
    X(NMI_Handler) X(HardFault_Handler) X(MemManage_Handler) X(BusFault_Handler) \
    X(UsageFault_Handler) X(SVC_Handler) X(DebugMon_Handler) X(PendSV_Handler) X(SysTick_Handler)

/* STM32F407 interrupts 0..81 in vector order (RM0090 table 61) */
#define IRQ_HANDLERS(X) \
    X(WWDG_IRQHandler) X(PVD_IRQHandler) X(TAMP_STAMP_IRQHandler) X(RTC_WKUP_IRQHandler) \
    X(FLASH_IRQHandler) X(RCC_IRQHandler) X(EXTI0_IRQHandler) X(EXTI1_IRQHandler) \
    X(EXTI2_IRQHandler) X(EXTI3_IRQHandler) X(EXTI4_IRQHandler) X(DMA1_Stream0_IRQHandler) \
    X(DMA1_Stream1_IRQHandler) X(DMA1_Stream2_IRQHandler) X(DMA1_Stream3_IRQHandler) \
    X(DMA1_Stream4_IRQHandler) X(DMA1_Stream5_IRQHandler) X(DMA1_Stream6_IRQHandler) \
    X(ADC_IRQHandler) X(CAN1_TX_IRQHandler) X(CAN1_RX0_IRQHandler) X(CAN1_RX1_IRQHandler) \
    X(CAN1_SCE_IRQHandler) X(EXTI9_5_IRQHandler) X(TIM1_BRK_TIM9_IRQHandler) \
    X(TIM1_UP_TIM10_IRQHandler) X(TIM1_TRG_COM_TIM11_IRQHandler) X(TIM1_CC_IRQHandler) \
    X(TIM2_IRQHandler) X(TIM3_IRQHandler) X(TIM4_IRQHandler) X(I2C1_EV_IRQHandler) \
    X(I2C1_ER_IRQHandler) X(I2C2_EV_IRQHandler) X(I2C2_ER_IRQHandler) X(SPI1_IRQHandler) \
    X(SPI2_IRQHandler) X(USART1_IRQHandler) X(USART2_IRQHandler) X(USART3_IRQHandler) \
    X(EXTI15_10_IRQHandler) X(RTC_Alarm_IRQHandler) X(OTG_FS_WKUP_IRQHandler) \
    X(TIM8_BRK_TIM12_IRQHandler) X(TIM8_UP_TIM13_IRQHandler) X(TIM8_TRG_COM_TIM14_IRQHandler) \
    X(TIM8_CC_IRQHandler) X(DMA1_Stream7_IRQHandler) X(FSMC_IRQHandler) X(SDIO_IRQHandler) \
    X(TIM5_IRQHandler) X(SPI3_IRQHandler) X(UART4_IRQHandler) X(UART5_IRQHandler) \
    X(TIM6_DAC_IRQHandler) X(TIM7_IRQHandler) X(DMA2_Stream0_IRQHandler) \
    X(DMA2_Stream1_IRQHandler) X(DMA2_Stream2_IRQHandler) X(DMA2_Stream3_IRQHandler) \
    X(DMA2_Stream4_IRQHandler) X(ETH_IRQHandler) X(ETH_WKUP_IRQHandler) X(CAN2_TX_IRQHandler) \
    X(CAN2_RX0_IRQHandler) X(CAN2_RX1_IRQHandler) X(CAN2_SCE_IRQHandler) X(OTG_FS_IRQHandler) \
    X(DMA2_Stream5_IRQHandler) X(DMA2_Stream6_IRQHandler) X(DMA2_Stream7_IRQHandler) \
    X(USART6_IRQHandler) X(I2C3_EV_IRQHandler) X(I2C3_ER_IRQHandler) \
    X(OTG_HS_EP1_OUT_IRQHandler) X(OTG_HS_EP1_IN_IRQHandler) X(OTG_HS_WKUP_IRQHandler) \
    X(OTG_HS_IRQHandler) X(DCMI_IRQHandler) X(CRYP_IRQHandler) X(HASH_RNG_IRQHandler) \
    X(FPU_IRQHandler)

SYSTEM_HANDLERS(WEAK_HANDLER)
IRQ_HANDLERS(WEAK_HANDLER)

#define VECTOR_ENTRY(name) (uint32_t)(uintptr_t)name,
#define COUNT_ONE(name) +1

_Static_assert(0 IRQ_HANDLERS(COUNT_ONE) == STM32F407_IRQ_COUNT, "the STM32F407 has 82 interrupts");

__attribute__((section(".isr_vector"), used))
const uint32_t vector_table[16 + STM32F407_IRQ_COUNT] = {
    (uint32_t)(uintptr_t)&_estack,          /*  0 initial main stack pointer */
    (uint32_t)(uintptr_t)Reset_Handler,     /*  1 Reset */
    (uint32_t)(uintptr_t)NMI_Handler,       /*  2 NMI */
    (uint32_t)(uintptr_t)HardFault_Handler, /*  3 HardFault */
    (uint32_t)(uintptr_t)MemManage_Handler, /*  4 MemManage */
    (uint32_t)(uintptr_t)BusFault_Handler,  /*  5 BusFault */
    (uint32_t)(uintptr_t)UsageFault_Handler,/*  6 UsageFault */
    0, 0, 0, 0,                             /*  7-10 reserved */
    (uint32_t)(uintptr_t)SVC_Handler,       /* 11 SVCall */
    (uint32_t)(uintptr_t)DebugMon_Handler,  /* 12 DebugMonitor */
    0,                                      /* 13 reserved */
    (uint32_t)(uintptr_t)PendSV_Handler,    /* 14 PendSV */
    (uint32_t)(uintptr_t)SysTick_Handler,   /* 15 SysTick */
    IRQ_HANDLERS(VECTOR_ENTRY)              /* 16.. IRQ0..IRQ81 */
};
