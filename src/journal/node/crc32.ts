import * as zlib from 'node:zlib';

let table: Uint32Array | undefined;

// zlib.crc32 arrived in Node 22.2; the table version keeps 22.0 and 22.1 working, only slower.
function crc32Fallback(data: Uint8Array): number {
	if (!table) {
		table = new Uint32Array(256);
		for (let n = 0; n < 256; n++) {
			let c = n;
			for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
			table[n] = c >>> 0;
		}
	}
	let crc = 0xffffffff;
	for (let i = 0; i < data.length; i++)
		crc = (table[(crc ^ (data[i] as number)) & 0xff] as number) ^ (crc >>> 8);
	return (crc ^ 0xffffffff) >>> 0;
}

const native = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;

/** CRC-32 (IEEE, as zlib and gzip compute it). */
export const crc32: (data: Uint8Array) => number = native ?? crc32Fallback;

export { crc32Fallback };
