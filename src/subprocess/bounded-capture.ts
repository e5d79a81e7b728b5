/**
 * Output captured up to a number of bytes: the first bytes (`head`: a tool's JSON report is read
 * from its start) or the last (`tail`: a failing command's last words). Bytes are kept and decoded
 * once, so a character that a pipe read splits in two stays whole.
 */
export interface BoundedCapture {
  push(chunk: Buffer): void;
  /** What is kept, decoded as UTF-8. */
  text(): string;
  /** Some output was dropped to stay within the bound. */
  readonly truncated: boolean;
}

export type Keep = 'head' | 'tail';

/** A UTF-8 continuation byte (10xxxxxx): never the first byte of a character. */
const isContinuation = (byte: number | undefined): boolean => byte !== undefined && (byte & 0xc0) === 0x80;

/** Drops the pieces of a character that a cut at the start left behind (at most 3 bytes). */
export function dropBrokenStart(bytes: Buffer): Buffer {
  let start = 0;
  while (start < 3 && isContinuation(bytes[start])) start += 1;
  return bytes.subarray(start);
}

/** Drops a character that a cut at the end left unfinished. */
export function dropBrokenEnd(bytes: Buffer): Buffer {
  // Walk back over continuation bytes to the lead byte of the last character.
  let lead = bytes.length - 1;
  while (lead > 0 && bytes.length - lead < 4 && isContinuation(bytes[lead])) lead -= 1;
  const first = bytes[lead];
  if (first === undefined || first < 0xc0) return bytes;
  const needs = first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : 2;
  return bytes.length - lead < needs ? bytes.subarray(0, lead) : bytes;
}

export function boundedCapture(limitBytes: number, keep: Keep): BoundedCapture {
  let chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  const pushHead = (chunk: Buffer): void => {
    const room = limitBytes - size;
    if (room <= 0) {
      truncated ||= chunk.length > 0;
      return;
    }
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    truncated ||= kept.length < chunk.length;
    chunks.push(kept);
    size += kept.length;
  };
  const pushTail = (chunk: Buffer): void => {
    chunks.push(chunk);
    size += chunk.length;
    // Trim once twice the bound is held: each byte is copied a bounded number of times.
    if (size > limitBytes * 2) {
      chunks = [Buffer.from(Buffer.concat(chunks).subarray(-limitBytes))];
      size = limitBytes;
      truncated = true;
    }
  };
  return {
    push: keep === 'head' ? pushHead : pushTail,
    text() {
      const all = Buffer.concat(chunks);
      if (keep === 'head') return (truncated ? dropBrokenEnd(all) : all).toString('utf8');
      if (all.length <= limitBytes) return all.toString('utf8');
      return dropBrokenStart(all.subarray(-limitBytes)).toString('utf8');
    },
    get truncated() {
      return truncated || (keep === 'tail' && size > limitBytes);
    },
  };
}
