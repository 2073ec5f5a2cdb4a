/*
 * swdkit's RAM flash loader for the STM32F4 flash interface (RM0090 §3.5-3.6). Written for this
 * project; the host side is src/flash/stm32f4/. Position independent: the host copies it anywhere in
 * SRAM (word aligned), sets the registers below and SP, points PC at one of the two entries and
 * resumes with C_DEBUGEN. Each entry ends in BKPT, where the debugger finds the core halted again.
 *
 * Entry +0: program (streaming through a ring of buffers)
 *   r0 = control block (host-owned, in SRAM), r1 = FLASH register base (FLASH_R_BASE),
 *   r2 = FLASH_CR value to program with (PG | PSIZE << 8), r3 = access size in bytes: 4, 2 or 1,
 *   which must match PSIZE (x32, x16, x8).
 *
 *   control block:  +0  status  written at exit: 0 = finished, else the FLASH_SR value that failed
 *                   +4  address written at exit: the flash address of the failing access
 *                   +8  count   number of slots in the ring (at least 1)
 *                   +12 tables  4 KiB scratch for CRC tables, or 0: no CRC of programmed slots
 *                   +16 slot 0, +36 slot 1, ... each { dest, length, data, crc, state }:
 *     state  0 EMPTY  the loader has finished with the slot (and written crc); the host may refill it
 *            1 FULL   the host filled it: program `length` bytes from `data` to flash at `dest`
 *            2 STOP   the host has nothing more: exit when this slot's turn comes
 *            3 ERROR  set by the loader on a failed access (then status/address say which)
 *   `state` is the descriptor's last word so that the host writes a whole descriptor in one transfer
 *   (a debugger's block write goes in address order: the loader never sees FULL before the rest).
 *   The loader takes slots in turn (0, 1, ..., count-1, 0, ...), so the host fills some while another
 *   is being programmed: USB transfers overlap flash programming, and the host may fill several slots
 *   before starting the loader (while the flash is still busy erasing). `data` may point anywhere the
 *   core can read (SRAM or the data-only CCM); `length` is a multiple of the access size.
 *
 *   With `tables` set, the loader computes the CRC (below) of the flash it has just programmed,
 *   [dest, dest + length), and stores it in the slot's crc word before marking it EMPTY: the verify
 *   pass costs the core's time while the host is still busy sending the next slot, instead of a pass
 *   of its own after programming.
 *
 *   Units that are all ones are skipped: the host erases every sector before programming it, and an
 *   erased cell already reads all ones, so programming it would only cost tprog (16 µs per access).
 *   FLASH_SR is read after every access, as RM0090 §3.6.4 prescribes; an error flag (OPERR, WRPERR,
 *   PGAERR, PGPERR, PGSERR: mask 0xF2) ends the run at once with FLASH_CR.PG cleared.
 *
 *   While an access is being programmed the core sleeps in WFE instead of spinning on BSY: the loader
 *   programs with EOPIE and ERRIE set and SCR.SEVONPEND set, so the FLASH interrupt's line (EOP at
 *   the end of a successful operation, OPERR on a failed one) becoming pending is a wake-up event
 *   (ARMv7-M B1.5.18), although that interrupt stays disabled in the NVIC and is never taken. After
 *   each access EOP is cleared and then the interrupt's pending bit (NVIC_ICPR0), so that the next
 *   end of operation is again a transition. A wake-up with BSY still set (an event left over from
 *   before) only costs another look at FLASH_SR. The core does no work it would have done spinning,
 *   and wakes within a few cycles of BSY falling. The loader puts SCR back and leaves FLASH_CR zero
 *   (PG, EOPIE, ERRIE off), EOP and the pending bit clear when it exits.
 *
 * Entry +4: CRC-32 of memory ranges (comparing before programming; verifying without a ring)
 *   r0 = list of r1 entries { address, length, crc }, r2 = 4 KiB scratch (word aligned) for the
 *   tables. Each entry's crc word holds the initial value on entry (0xFFFFFFFF for a fresh CRC) and the
 *   result on exit. The CRC is CRC-32/MPEG-2: polynomial 0x04C11DB7, MSB first, no reflection, no final
 *   XOR (the STM32 CRC unit's and OpenOCD's verify CRC), over the bytes in address order. Tables are
 *   built on the target each time (about 10k cycles), so the host uploads nothing but the code.
 *   Words are folded four bytes at a time with four tables ("slicing by four"): about 6 cycles a byte,
 *   which matters because the core runs from the 16 MHz HSI after reset.
 *
 * Both entries use the stack (a few words) for their subroutine calls.
 */
        .syntax unified
        .cpu    cortex-m4
        .thumb
        .text

        .equ    FLASH_SR, 0x0c
        .equ    FLASH_CR, 0x10
        .equ    SR_EOP, 0x1
        .equ    SR_BSY, 0x10000
        .equ    SR_ERRORS, 0xf2
        .equ    CR_EOPIE_ERRIE, 0x03000000
        .equ    FLASH_IRQ_BIT, 1 << 4   /* the FLASH global interrupt is IRQ 4 on the STM32F4 */
        .equ    SCB_SCR, 0xe000ed10
        .equ    SCR_SEVONPEND, 0x10
        .equ    NVIC_ICPR0, 0xe000e280
        .equ    SLOT_EMPTY, 0
        .equ    SLOT_FULL, 1
        .equ    SLOT_STOP, 2
        .equ    SLOT_ERROR, 3
        .equ    CTRL_COUNT, 8
        .equ    CTRL_TABLES, 12
        .equ    SLOTS, 16
        .equ    SLOT_SIZE, 20
        .equ    SLOT_DEST, 0
        .equ    SLOT_LENGTH, 4
        .equ    SLOT_DATA, 8
        .equ    SLOT_CRC, 12
        .equ    SLOT_STATE, 16

/* EOP (rc_w1), then the FLASH interrupt's pending bit, once the line has fallen: the next end
 * of operation is again a transition. r1 = FLASH_R_BASE, r11 = NVIC_ICPR0. Clobbers r9. */
        .macro  END_OF_OPERATION
        movs    r9, #SR_EOP
        str     r9, [r1, #FLASH_SR]
        dsb     sy
        movs    r9, #FLASH_IRQ_BIT
        str     r9, [r11]
        .endm

        .global loader_start
        .type   loader_start, %function
loader_start:
        b.w     program
        b.w     crc

/* ---- program ------------------------------------------------------------------------------ */
        .thumb_func
program:
        ldr     r6, [r0, #CTRL_TABLES]
        cbz     r6, 1f
        push    {r0-r3}
        mov     r2, r6
        bl      build_tables
        pop     {r0-r3}
1:      movw    r9, #:lower16:SCB_SCR    /* wake-ups: SEVONPEND, saved on the stack */
        movt    r9, #:upper16:SCB_SCR
        ldr     r10, [r9]
        push    {r10}
        orr     r10, r10, #SCR_SEVONPEND
        str     r10, [r9]
        orr     r2, r2, #CR_EOPIE_ERRIE
        movw    r11, #:lower16:NVIC_ICPR0
        movt    r11, #:upper16:NVIC_ICPR0
        END_OF_OPERATION                /* whatever ran before may have left EOP or the bit set */
        movw    r12, #0xffff            /* the erased halfword loop16 compares with */
        movs    r4, #0                  /* index of the current slot */
next_slot:
        movs    r6, #SLOT_SIZE
        add     r5, r0, #SLOTS
        mla     r5, r4, r6, r5
wait_slot:
        ldr     r6, [r5, #SLOT_STATE]
        cmp     r6, #SLOT_FULL
        beq     fill
        cmp     r6, #SLOT_STOP
        beq     finished
        b       wait_slot
fill:
        ldr     r7, [r5, #SLOT_DEST]
        ldr     r8, [r5, #SLOT_LENGTH]
        ldr     r6, [r5, #SLOT_DATA]
        add     r8, r8, r6              /* end of the source */
        str     r2, [r1, #FLASH_CR]
        cmp     r3, #4
        beq     loop32
        cmp     r3, #2
        beq     loop16

/* One access: load from the source, skip an erased value, store, wait for BSY, check the flags. */
        .macro  PROGRAM_LOOP name, load, store, step, erased, compare
\name:
        cmp     r6, r8
        bhs     slot_done
        \load   r10, [r6], #\step
        \compare r10, \erased
        beq     1f
        \store  r10, [r7]
        dsb     sy
2:      ldr     r9, [r1, #FLASH_SR]
        tst     r9, #SR_BSY
        beq     3f
        wfe
        b       2b
3:      tst     r9, #SR_ERRORS
        bne     failed
        END_OF_OPERATION
1:      add     r7, r7, #\step
        b       \name
        .endm

        PROGRAM_LOOP loop8, ldrb, strb, 1, #0xff, cmp
        PROGRAM_LOOP loop32, ldr, str, 4, #1, cmn
        PROGRAM_LOOP loop16, ldrh, strh, 2, r12, cmp


slot_done:
        ldr     r6, [r0, #CTRL_TABLES]
        cbz     r6, 1f
        push    {r0-r5, r11, r12}
        mov     r2, r6
        ldr     r3, [r5, #SLOT_DEST]
        ldr     r4, [r5, #SLOT_LENGTH]
        add     r4, r4, r3
        mov     r5, #0xffffffff
        bl      crc_range
        mov     r6, r5
        pop     {r0-r5, r11, r12}
        str     r6, [r5, #SLOT_CRC]
1:      movs    r6, #SLOT_EMPTY
        str     r6, [r5, #SLOT_STATE]
        adds    r4, r4, #1
        ldr     r6, [r0, #CTRL_COUNT]
        cmp     r4, r6
        it      hs
        movhs   r4, #0
        b       next_slot

failed:
        str     r9, [r0, #0]
        str     r7, [r0, #4]
        movs    r6, #SLOT_ERROR
        str     r6, [r5, #SLOT_STATE]
        b       exit_program
finished:
        movs    r6, #0
        str     r6, [r0, #0]
exit_program:
        movs    r6, #0
        str     r6, [r1, #FLASH_CR]     /* PG, EOPIE, ERRIE off; the host locks the interface */
        END_OF_OPERATION
        pop     {r10}
        movw    r9, #:lower16:SCB_SCR
        movt    r9, #:upper16:SCB_SCR
        str     r10, [r9]
        bkpt    #0

/* ---- crc ---------------------------------------------------------------------------------- */
        .thumb_func
crc:
        bl      build_tables
next_range:
        cbz     r1, crc_done
        ldr     r3, [r0, #0]            /* address */
        ldr     r4, [r0, #4]
        ldr     r5, [r0, #8]            /* running CRC */
        add     r4, r4, r3              /* end */
        bl      crc_range
        str     r5, [r0, #8]
        adds    r0, r0, #12
        subs    r1, r1, #1
        b       next_range
crc_done:
        bkpt    #0

/*
 * build_tables: the four slicing tables at r2 (4 KiB). Clobbers r3-r7, r12.
 * T0[i] is the CRC of byte i followed by nothing, MSB first; Tk[i] = T(k-1)[i] << 8 ^ T0[T(k-1)[i] >> 24].
 */
        .thumb_func
build_tables:
        movw    r12, #0x1db7
        movt    r12, #0x04c1
        movs    r3, #0
1:      lsls    r4, r3, #24
        movs    r5, #8
2:      lsls    r4, r4, #1
        it      cs
        eorcs   r4, r4, r12
        subs    r5, r5, #1
        bne     2b
        str     r4, [r2, r3, lsl #2]
        adds    r3, r3, #1
        cmp     r3, #256
        bne     1b
        mov     r7, r2
        add     r6, r2, #1024
        movs    r3, #0
3:      ldr     r4, [r7], #4
        lsrs    r5, r4, #24
        ldr     r5, [r2, r5, lsl #2]
        eor     r4, r5, r4, lsl #8
        str     r4, [r6], #4
        adds    r3, r3, #1
        cmp     r3, #768
        bne     3b
        bx      lr

/*
 * crc_range: r5 = the CRC of [r3, r4) continued from r5, with the tables at r2.
 * Clobbers r3, r6-r11.
 */
        .thumb_func
crc_range:
        add     r8, r2, #1024
        add     r9, r2, #2048
        add     r10, r2, #3072
        bic     r11, r4, #3             /* end of the whole words */

        .macro  CRC_BYTE
        ldrb    r6, [r3], #1
        eor     r6, r6, r5, lsr #24
        ldr     r6, [r2, r6, lsl #2]
        eor     r5, r6, r5, lsl #8
        .endm

head:   cmp     r3, r4
        beq     range_done
        tst     r3, #3
        beq     words
        CRC_BYTE
        b       head
words:  cmp     r3, r11
        bhs     tail
        ldr     r6, [r3], #4
        rev     r6, r6
        eor     r6, r6, r5
        uxtb    r7, r6
        ldr     r5, [r2, r7, lsl #2]
        ubfx    r7, r6, #8, #8
        ldr     r7, [r8, r7, lsl #2]
        eor     r5, r5, r7
        ubfx    r7, r6, #16, #8
        ldr     r7, [r9, r7, lsl #2]
        eor     r5, r5, r7
        lsrs    r7, r6, #24
        ldr     r7, [r10, r7, lsl #2]
        eor     r5, r5, r7
        b       words
tail:   cmp     r3, r4
        beq     range_done
        CRC_BYTE
        b       tail
range_done:
        bx      lr
        .size   loader_start, . - loader_start
