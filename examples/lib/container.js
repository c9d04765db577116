'use strict';
// The examples' encrypted-file container: a small header, then the ciphertext.
//   magic "RXAE" | version 1 | mode (1 CTR, 2 GCM) | blob length u16 BE | wrapped key blob
//   | IV length u8 | IV | chunk size u32 BE (GCM plaintext bytes per chunk; 0 for CTR)
// The key itself is not in the file: only the TA can unwrap the blob.
const fs = require('node:fs');

const MAGIC = Buffer.from('RXAE');

function encodeHeader({ mode, blob, iv, chunkSize = 0 }) {
  const h = Buffer.alloc(4 + 1 + 1 + 2 + blob.length + 1 + iv.length + 4);
  let o = MAGIC.copy(h, 0);
  o = h.writeUInt8(1, o);
  o = h.writeUInt8(mode, o);
  o = h.writeUInt16BE(blob.length, o);
  o += Buffer.from(blob).copy(h, o);
  o = h.writeUInt8(iv.length, o);
  o += Buffer.from(iv).copy(h, o);
  h.writeUInt32BE(chunkSize, o);
  return h;
}

/** Reads the header of an encrypted file: { mode, blob, iv, chunkSize, headerSize }. */
function readHeader(file) {
  const fd = fs.openSync(file, 'r');
  try {
    const h = Buffer.alloc(512);
    const n = fs.readSync(fd, h, 0, h.length, 0);
    if (n < 9 || !h.subarray(0, 4).equals(MAGIC) || h[4] !== 1) throw new Error(`${file}: not an rx-teec encrypted file`);
    const mode = h[5];
    const blobLength = h.readUInt16BE(6);
    let o = 8;
    const blob = Uint8Array.from(h.subarray(o, (o += blobLength)));
    const ivLength = h[o++];
    const iv = Uint8Array.from(h.subarray(o, (o += ivLength)));
    const chunkSize = h.readUInt32BE(o);
    o += 4;
    if (o > n) throw new Error(`${file}: truncated header`);
    return { mode, blob, iv, chunkSize, headerSize: o };
  } finally {
    fs.closeSync(fd);
  }
}

module.exports = { encodeHeader, readHeader };
