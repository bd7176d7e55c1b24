/** An in-place radix-2 complex FFT of one size, with its twiddles and bit reversal computed once. */
export class Fft {
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly reversed: Uint32Array;

  constructor(readonly size: number) {
    if (size < 2 || (size & (size - 1)) !== 0) throw new Error(`FFT size ${size} is not a power of two`);
    this.cos = Float64Array.from({ length: size / 2 }, (_, i) => Math.cos((-2 * Math.PI * i) / size));
    this.sin = Float64Array.from({ length: size / 2 }, (_, i) => Math.sin((-2 * Math.PI * i) / size));
    const bits = Math.log2(size);
    this.reversed = Uint32Array.from({ length: size }, (_, i) => reverseBits(i, bits));
  }

  /** Transforms (re, im) in place; `inverse` without the 1/size scaling. */
  transform(re: Float64Array, im: Float64Array, inverse = false): void {
    this.permute(re, im);
    const sign = inverse ? -1 : 1;
    for (let len = 2; len <= this.size; len <<= 1) {
      const half = len >> 1;
      const step = this.size / len;
      for (let start = 0; start < this.size; start += len) {
        for (let j = 0; j < half; j += 1) {
          const wr = this.cos[j * step]!;
          const wi = sign * this.sin[j * step]!;
          const a = start + j;
          const b = a + half;
          const tr = re[b]! * wr - im[b]! * wi;
          const ti = re[b]! * wi + im[b]! * wr;
          re[b] = re[a]! - tr;
          im[b] = im[a]! - ti;
          re[a] = re[a]! + tr;
          im[a] = im[a]! + ti;
        }
      }
    }
  }

  /** |X(k)|^2 for k = 0..size/2 of a real frame (zero-padded to size). */
  powerSpectrum(frame: ArrayLike<number>, out = new Float64Array(this.size / 2 + 1)): Float64Array {
    const re = new Float64Array(this.size);
    const im = new Float64Array(this.size);
    for (let i = 0; i < Math.min(frame.length, this.size); i += 1) re[i] = frame[i]!;
    this.transform(re, im);
    for (let k = 0; k < out.length; k += 1) out[k] = re[k]! * re[k]! + im[k]! * im[k]!;
    return out;
  }

  private permute(re: Float64Array, im: Float64Array): void {
    for (let i = 0; i < this.size; i += 1) {
      const j = this.reversed[i]!;
      if (j <= i) continue;
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
}

function reverseBits(value: number, bits: number): number {
  let out = 0;
  for (let b = 0; b < bits; b += 1) out = (out << 1) | ((value >> b) & 1);
  return out;
}
