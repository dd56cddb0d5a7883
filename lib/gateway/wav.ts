/*
 * The duration of a PCM WAV file from its header: what an audio upload is billed by when the
 * provider's answer does not say (plain `json` transcripts carry only the text).
 */

function ascii(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + 4));
}

/** Seconds of audio, or null when `head` is not the start of a RIFF/WAVE file. */
export function wavSeconds(head: Uint8Array, fileSize: number): number | null {
  if (head.byteLength < 12 || ascii(head, 0) !== "RIFF" || ascii(head, 8) !== "WAVE") return null;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let byteRate = 0;
  for (let at = 12; at + 8 <= head.byteLength;) {
    const id = ascii(head, at);
    const size = view.getUint32(at + 4, true);
    if (id === "fmt " && at + 20 <= head.byteLength) byteRate = view.getUint32(at + 16, true);
    if (id === "data") {
      if (byteRate === 0) return null;
      const dataBytes = Math.min(size, fileSize - (at + 8));
      return Math.max(0, dataBytes) / byteRate;
    }
    at += 8 + size + (size % 2);
  }
  return null;
}
