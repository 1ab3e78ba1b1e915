/**
 * zstd frames as some producers send them: without a declared content size. Our codec always
 * declares it, so the spec rewrites the frame header: the Frame_Content_Size field goes and the
 * flag says so (RFC 8878 §3.1.1.1.1). Only for frames with a window descriptor (not single-segment).
 */
import { compress, CompressionType } from '../../lib/record/compression.js';

export function zstdWithoutDeclaredSize(data: Buffer): Buffer {
  const frame = compress(CompressionType.ZSTD, data);
  const fhd = frame[4]!;
  if (fhd & 0x20) throw new Error('single-segment zstd frame: give more data (past the window size)');
  const dictIdSize = [0, 1, 2, 4][fhd & 0x03]!;
  const fcsSize = [0, 2, 4, 8][fhd >> 6]!;
  const headerEnd = 6 + dictIdSize; // magic, descriptor, window descriptor, dictionary id
  const out = Buffer.concat([frame.subarray(0, headerEnd), frame.subarray(headerEnd + fcsSize)]);
  out[4] = fhd & 0x3f;
  return out;
}
