/**
 * The STM32F4 flash driver and the image programmer through the real host stack (StLink over the
 * in-process transport to the virtual ST-Link): what is written reads back byte for byte, an unchanged
 * image erases nothing, write protection is named, and a failure names the sectors left behind.
 * The board is seen only through the probe; its internals are read only to check the outcome.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readImageFile } from '../../src/flash/image/load.node.js';
import { planFlash } from '../../src/flash/plan.js';
import { FlashIncompleteError, flashImage } from '../../src/flash/program-image.js';
import { SwdkitError } from '../../src/util/errors.js';
import { firmwareElf } from '../support/paths.js';
import { ERASE_TIMES, KiB, MEMORY, SECTORS, flashBytes, image, pattern, rig } from '../support/flash-rig.js';

describe('STM32F4 flash driver on the virtual board', () => {
  test('blinky.elf programs at x32 into sector 0 only, verifies by CRC, and leaves FLASH_CR locked', async () => {
    const blinky = readImageFile(firmwareElf('blinky'));
    const r = await rig(image([0x0800_0000, pattern(20 * KiB, 7)]));
    const plan = planFlash('blinky.elf', blinky, MEMORY);
    const report = await flashImage(plan, r.flash, r.stlink, {
      allSectors: SECTORS,
      eraseTimes: ERASE_TIMES,
    });
    assert.deepEqual(report.written, [0]);
    assert.equal(report.verified, 'crc');
    assert.equal(report.massErase, false);
    for (const segment of blinky.segments) {
      assert.deepEqual(flashBytes(r.board, segment.address, segment.data.length), segment.data);
    }
    // Sector 1 still holds what was there: only the sectors the image touches are erased.
    assert.deepEqual(flashBytes(r.board, 0x0800_4000, 4 * KiB), pattern(20 * KiB, 7).subarray(16 * KiB));
    assert.notEqual((await r.stlink.read32(0x4002_3c10)) & 0x8000_0000, 0, 'FLASH_CR.LOCK');
  });

  test('the loader runs from the PLL at 84 MHz, and lock() puts back the reset clock and FLASH_ACR', async () => {
    const r = await rig();
    const rcc = r.board.soc.devices.rcc;
    const before = { hclk: rcc.frequencies.hclk, acr: await r.stlink.read32(0x4002_3c00) };
    const seen: number[] = [];
    const plan = planFlash('x.bin', image([0x0800_0000, pattern(40 * KiB, 9)]), MEMORY);
    await flashImage(plan, r.flash, r.stlink, {
      allSectors: SECTORS,
      eraseTimes: ERASE_TIMES,
      progress: {
        start: () => undefined,
        update: (phase) => {
          if (phase === 'program') seen.push(rcc.frequencies.hclk);
        },
        end: () => undefined,
      },
    });
    assert.equal(before.hclk, 16_000_000);
    assert.ok(
      seen.length > 0 && seen.every((hz) => hz === 84_000_000),
      `HCLK while programming: ${seen.join(', ')}`,
    );
    assert.equal(rcc.frequencies.hclk, 16_000_000, 'HCLK after lock()');
    assert.equal((await r.stlink.read32(0x4002_3808)) & 0xf, 0, 'RCC_CFGR: SW and SWS back to HSI');
    assert.equal((await r.stlink.read32(0x4002_3800)) & (1 << 24), 0, 'RCC_CR.PLLON off');
    assert.equal(await r.stlink.read32(0x4002_3804), 0x2400_3010, 'RCC_PLLCFGR at its reset value');
    assert.equal(await r.stlink.read32(0x4002_3c00), before.acr, 'FLASH_ACR as it was');
  });

  test('a clock the firmware set up is left alone', async () => {
    const r = await rig();
    // HSE would be the firmware's choice; here the PLL merely on (unused) is enough to keep hands off.
    await r.stlink.write32(0x4002_3800, (await r.stlink.read32(0x4002_3800)) | (1 << 24));
    const plan = planFlash('x.bin', image([0x0800_0000, pattern(16 * KiB, 10)]), MEMORY);
    await flashImage(plan, r.flash, r.stlink, { allSectors: SECTORS, eraseTimes: ERASE_TIMES });
    assert.equal(r.board.soc.devices.rcc.frequencies.hclk, 16_000_000);
    assert.equal((await r.stlink.read32(0x4002_3808)) & 0xf, 0, 'SYSCLK still from HSI');
    assert.notEqual((await r.stlink.read32(0x4002_3800)) & (1 << 24), 0, 'the PLL left on');
    assert.deepEqual(flashBytes(r.board, 0x0800_0000, 16 * KiB), pattern(16 * KiB, 10));
  });

  test('flashing the same image again erases and programs nothing', async () => {
    const data = pattern(200 * KiB, 3);
    const r = await rig();
    const plan = planFlash('x.bin', image([0x0800_0000, data]), MEMORY);
    const first = await flashImage(plan, r.flash, r.stlink, { allSectors: SECTORS, eraseTimes: ERASE_TIMES });
    assert.deepEqual(first.written, [0, 1, 2, 3, 4, 5]);
    const again = await flashImage(plan, r.flash, r.stlink, { allSectors: SECTORS, eraseTimes: ERASE_TIMES });
    assert.deepEqual(again.written, []);
    assert.deepEqual(again.unchanged, [0, 1, 2, 3, 4, 5]);
    assert.equal(again.bytesProgrammed, 0);
    assert.deepEqual(flashBytes(r.board, 0x0800_0000, data.length), data);
  });

  test('an image that changes one sector rewrites that sector only', async () => {
    const data = pattern(64 * KiB, 5);
    const r = await rig(image([0x0800_0000, data]));
    const changed = data.slice();
    changed[40 * KiB] = (changed[40 * KiB] ?? 0) ^ 0xff;
    const report = await flashImage(
      planFlash('x.bin', image([0x0800_0000, changed]), MEMORY),
      r.flash,
      r.stlink,
      {
        allSectors: SECTORS,
        eraseTimes: ERASE_TIMES,
      },
    );
    assert.deepEqual(report.written, [2]);
    assert.deepEqual(flashBytes(r.board, 0x0800_0000, changed.length), changed);
  });

  test('an image covering every sector is written after one mass erase', async () => {
    const data = pattern(1024 * KiB, 9);
    const r = await rig(image([0x0800_0000, pattern(1024 * KiB, 10)]));
    const report = await flashImage(
      planFlash('big.bin', image([0x0800_0000, data]), MEMORY),
      r.flash,
      r.stlink,
      {
        allSectors: SECTORS,
        eraseTimes: ERASE_TIMES,
      },
    );
    assert.equal(report.massErase, true);
    assert.equal(report.written.length, 12);
    assert.deepEqual(flashBytes(r.board, 0x0800_0000, data.length), data);
  });

  test('a write-protected sector fails with WRPERR naming the sector and the command that clears it', async () => {
    const r = await rig();
    // nWRP bit 1 cleared through the option bytes, as `flash protect` would.
    await r.stlink.write32(0x4002_3c08, 0x0819_2a3b);
    await r.stlink.write32(0x4002_3c08, 0x4c5d_6e7f);
    const optcr = 0x0fff_aaec & ~(1 << 17);
    await r.stlink.write32(0x4002_3c14, optcr);
    await r.stlink.write32(0x4002_3c14, optcr | 2);
    while ((await r.stlink.read32(0x4002_3c0c)) & (1 << 16)) r.board.runFor(10e6);
    // Option bytes are loaded at reset (RM0090 3.7): reset with VC_CORERESET to halt at the vector.
    await r.core.reset('sysresetreq', true);
    assert.ok(await r.core.isHalted());
    await assert.rejects(
      flashImage(planFlash('x.bin', image([0x0800_4000, pattern(1024, 1)]), MEMORY), r.flash, r.stlink, {
        allSectors: SECTORS,
        eraseTimes: ERASE_TIMES,
      }),
      (error: unknown) => {
        assert.ok(error instanceof SwdkitError);
        assert.match(error.message, /WRPERR.*sector 1 is write-protected/);
        assert.match(error.hint ?? '', /--unprotect-sectors 1/);
        assert.ok(!(error instanceof FlashIncompleteError), 'a refused erase changed nothing');
        return true;
      },
    );
  });

  test('a link cut part way through programming names the sectors left erased or partly written', async () => {
    const data = pattern(96 * KiB, 11);
    const r = await rig(image([0x0800_0000, pattern(96 * KiB, 12)]));
    r.cutAfter = r.commands + 400;
    await assert.rejects(
      flashImage(planFlash('x.bin', image([0x0800_0000, data]), MEMORY), r.flash, r.stlink, {
        allSectors: SECTORS,
        eraseTimes: ERASE_TIMES,
      }),
      (error: unknown) => {
        assert.ok(error instanceof FlashIncompleteError, String(error));
        assert.match(error.message, /NOT on the target/);
        assert.ok(error.erased.length + error.partlyWritten.length > 0);
        return true;
      },
    );
  });
});
