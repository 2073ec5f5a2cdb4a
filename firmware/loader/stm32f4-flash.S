/*
 * swdkit's RAM flash loader for the STM32F4 flash interface (RM0090 §3.5-3.6). Written for this
 * project; the host side is src/flash/stm32f4/. Position independent: the host copies it anywhere in
 * SRAM (word aligned), sets the registers below, points PC at one of the two entries and resumes
 * with C_DEBUGEN. Each entry ends in BKPT, where the debugger finds the core halted again.
 *
 * Entry +0: program (double-buffered streaming)
 *   r0 = control block (host-owned, in SRAM), r1 = FLASH register base (FLASH_R_BASE),
 *   r2 = FLASH_CR value to program with (PG | PSIZE << 8), r3 = access size in bytes: 4, 2 or 1,
 *   which must match PSIZE (x32, x16, x8).
 *
 *   control block:  +0 status  written at exit: 0 = finished, else the FLASH_SR value that failed
 *                   +4 address written at exit: the flash address of the failing access
 *                   +8 slot 0, +24 slot 1, each { state, dest, length, data }:
 *     state  0 EMPTY  the loader has finished with the slot; the host may refill it
 *            1 FULL   the host filled it: program `length` bytes from `data` to flash at `dest`
 *            2 STOP   the host has nothing more: exit when this slot's turn comes
 *            3 ERROR  set by the loader on a failed access (then status/address say which)
 *   The loader takes slots in turn (0, 1, 0, ...), so the host fills one while the other is being
 *   programmed: USB transfers overlap flash programming. `length` is a multiple of the access size.
 *
 *   Units that are all ones are skipped: the host erases every sector before programming it, and an
 *   erased cell already reads all ones, so programming it would only cost tprog (16 µs per access).
 *   FLASH_SR is polled after every access, as RM0090 §3.6.4 prescribes; an error flag (OPERR, WRPERR,
 *   PGAERR, PGPERR, PGSERR: mask 0xF2) ends the run at once with FLASH_CR.PG cleared.
 *
 * Entry +4: CRC-32 of memory ranges (verify, and skipping sectors whose contents already match)
 *   r0 = list of r1 entries { address, length, crc }, r2 = 4 KiB scratch (word aligned) for the
 *   tables. Each entry's crc word holds the initial value on entry (0xFFFFFFFF for a fresh CRC) and the
 *   result on exit. The CRC is CRC-32/MPEG-2: polynomial 0x04C11DB7, MSB first, no reflection, no final
 *   XOR (the STM32 CRC unit's and OpenOCD's verify CRC), over the bytes in address order. Tables are
 *   built on the target each time (about 10k cycles), so the host uploads nothing but the code.
 *   Words are folded four bytes at a time with four tables ("slicing by four"): about 6 cycles a byte,
 *   which matters because the core runs from the 16 MHz HSI after reset.
 */
        .syntax unified
        .cpu    cortex-m4
        .thumb
        .text

        .equ    FLASH_SR, 0x0c
        .equ    FLASH_CR, 0x10
        .equ    SR_BSY, 0x10000
        .equ    SR_ERRORS, 0xf2
        .equ    SLOT_EMPTY, 0
        .equ    SLOT_FULL, 1
        .equ    SLOT_STOP, 2
        .equ    SLOT_ERROR, 3
        .equ    SLOTS, 8
        .equ    SLOT_SIZE, 16

        .global loader_start
        .type   loader_start, %function
loader_start:
        b.w     program
        b.w     crc

/* ---- program ------------------------------------------------------------------------------ */
        .thumb_func
program:
        mov     r11, #0xffffffff        /* the erased values the loops compare with */
        movw    r12, #0xffff
        movs    r4, #0                  /* offset of the current slot: 0 or SLOT_SIZE */
next_slot:
        add     r5, r0, #SLOTS
        add     r5, r5, r4
wait_slot:
        ldr     r6, [r5, #0]
        cmp     r6, #SLOT_FULL
        beq     fill
        cmp     r6, #SLOT_STOP
        beq     finished
        b       wait_slot
fill:
        ldr     r7, [r5, #4]            /* flash destination */
        ldr     r8, [r5, #8]            /* length */
        ldr     r6, [r5, #12]           /* source in SRAM */
        add     r8, r8, r6              /* end of the source */
        str     r2, [r1, #FLASH_CR]
        cmp     r3, #4
        beq     loop32
        cmp     r3, #2
        beq     loop16

/* One access: load from the source, skip an erased value, store, wait for BSY, check the flags. */
        .macro  PROGRAM_LOOP name, load, store, step, erased
\name:
        cmp     r6, r8
        bhs     slot_done
        \load   r10, [r6], #\step
        cmp     r10, \erased
        beq     1f
        \store  r10, [r7]
        dsb     sy
2:      ldr     r9, [r1, #FLASH_SR]
        tst     r9, #SR_BSY
        bne     2b
        tst     r9, #SR_ERRORS
        bne     failed
1:      add     r7, r7, #\step
        b       \name
        .endm

        PROGRAM_LOOP loop8, ldrb, strb, 1, #0xff
        PROGRAM_LOOP loop32, ldr, str, 4, r11
        PROGRAM_LOOP loop16, ldrh, strh, 2, r12

slot_done:
        movs    r6, #SLOT_EMPTY
        str     r6, [r5, #0]
        eor     r4, r4, #SLOT_SIZE
        b       next_slot

failed:
        str     r9, [r0, #0]
        str     r7, [r0, #4]
        movs    r6, #SLOT_ERROR
        str     r6, [r5, #0]
        b       exit_program
finished:
        movs    r6, #0
        str     r6, [r0, #0]
exit_program:
        movs    r6, #0
        str     r6, [r1, #FLASH_CR]     /* PG off; the host locks the interface */
        bkpt    #0

/* ---- crc ---------------------------------------------------------------------------------- */
        .thumb_func
crc:
        movw    r12, #0x1db7
        movt    r12, #0x04c1
        /* T0[i]: the CRC of byte i followed by nothing, MSB first. */
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
        /* T1..T3 in one sweep: Tk[i] = T(k-1)[i] << 8 ^ T0[T(k-1)[i] >> 24]. */
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
        add     r8, r2, #1024
        add     r9, r2, #2048
        add     r10, r2, #3072

next_range:
        cbz     r1, crc_done
        ldr     r3, [r0, #0]            /* address */
        ldr     r4, [r0, #4]
        ldr     r5, [r0, #8]            /* running CRC */
        add     r4, r4, r3              /* end */
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
        str     r5, [r0, #8]
        adds    r0, r0, #12
        subs    r1, r1, #1
        b       next_range
crc_done:
        bkpt    #0
        .size   loader_start, . - loader_start
