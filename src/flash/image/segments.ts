import { BadInputError } from '../../util/errors.js';
import type { Segment } from './types.js';

/**
 * Sorts segments by address and merges touching ones, so a flash plan sees one run per contiguous
 * area. Overlapping segments are a malformed image (two values for one byte): an error naming both.
 */
export function normalizeSegments(source: string, segments: readonly Segment[]): Segment[] {
  const sorted = segments.filter((s) => s.data.length > 0).sort((a, b) => a.address - b.address);
  const merged: Segment[] = [];
  for (const segment of sorted) {
    const last = merged.at(-1);
    if (last === undefined) {
      merged.push(segment);
      continue;
    }
    const lastEnd = last.address + last.data.length;
    if (segment.address < lastEnd) {
      throw new BadInputError(
        'image-overlap',
        `${source}: data for 0x${hex(segment.address)} overlaps the run 0x${hex(last.address)}–0x${hex(lastEnd - 1)}`,
        { hint: 'The image gives two values for the same bytes; rebuild it or check how it was merged.' },
      );
    }
    if (segment.address === lastEnd) {
      const joined = new Uint8Array(last.data.length + segment.data.length);
      joined.set(last.data);
      joined.set(segment.data, last.data.length);
      merged[merged.length - 1] = { address: last.address, data: joined };
    } else {
      merged.push(segment);
    }
  }
  if (merged.length === 0) {
    throw new BadInputError('image-empty', `${source}: the image contains no data to load`, {
      hint: 'Check that the file is the built firmware and not, e.g., an object file or an empty export.',
    });
  }
  return merged;
}

export function hex(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}

/**
 * Collects byte runs as records arrive (HEX, S-records), starting a new run at each gap. The open run
 * grows in one byte array (doubling), so a file of millions of records loads in linear time.
 */
export class RunBuilder {
  private readonly runs: Segment[] = [];
  private start = -1;
  private bytes = new Uint8Array(256);
  private length = 0;

  add(address: number, data: Uint8Array): void {
    if (this.start < 0 || address !== this.start + this.length) {
      this.flush();
      this.start = address;
    }
    if (this.length + data.length > this.bytes.length) {
      const grown = new Uint8Array(Math.max(2 * this.bytes.length, this.length + data.length));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    this.bytes.set(data, this.length);
    this.length += data.length;
  }

  finish(): Segment[] {
    this.flush();
    return this.runs;
  }

  private flush(): void {
    if (this.start >= 0 && this.length > 0) {
      this.runs.push({ address: this.start, data: this.bytes.slice(0, this.length) });
    }
    this.start = -1;
    this.length = 0;
  }
}
