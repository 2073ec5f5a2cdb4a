import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../../test/support/paths.js';
import { stm32f4LoaderCode } from './loader-image.js';

test('the embedded STM32F4 loader is byte-identical to firmware/bin/stm32f4-flash-loader.bin', () => {
  const built = readFileSync(join(repoRoot, 'firmware/bin/stm32f4-flash-loader.bin'));
  assert.deepEqual(stm32f4LoaderCode(), new Uint8Array(built));
});
