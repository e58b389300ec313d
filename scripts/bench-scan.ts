/**
 * Benchmark of the scan stage (no ML): `npm run bench:scan [-- --photos N --rescan N]`.
 * 1. First scan of N (default 300) generated 12-MP JPEGs: photos/s, in `--trials` (3) runs that
 *    alternate with the decode limit (the same files read and decoded by sharp alone).
 * 2. Rescan of an unchanged library of M (default 10,000) files: seconds.
 * 3. First scan of 12-MP HEICs (`--heic N`, default 6) in bench-data/scan-heic: photos/s, against
 *    decoding the same files in full with libheif (what the scan did before it used their embedded
 *    thumbnails). No HEVC encoder ships with Sift: they are made with `heif-enc -t 320` (libheif's
 *    example tool, e.g. Debian's libheif-examples) from the generated JPEGs when it is on PATH;
 *    without it and without HEICs in that folder this part is skipped, saying so.
 * Prints peak RSS. Generated data is cached in bench-data/ (gitignored), never committed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { createEngine } from '../src/engine/engine';
import { PACKAGE_ROOT } from '../src/engine/paths';
import { decodeHeicOffThread } from '../src/engine/scan/codecs/heic-pool';
import { DEFAULT_MAX_PIXELS, THUMB_LONG_SIDE } from '../src/engine/scan/decode';

const args = process.argv.slice(2);
const opt = (name: string, fallback: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const PHOTOS = opt('photos', 300);
const RESCAN = opt('rescan', 10_000);
const TRIALS = Math.max(1, opt('trials', 3));
const HEICS = opt('heic', 6);
const benchDir = path.join(PACKAGE_ROOT, 'bench-data');

async function generateLargePhotos(dir: string, count: number): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const have = new Set(readdirSync(dir));
  // One textured 12-MP base (noise + gradient); each photo shifts, tints and crops it differently,
  // so the files differ and JPEG has real detail to encode (a flat image would be unrealistically cheap).
  const width = 4000;
  const height = 3000;
  const noise = await sharp({
    create: {
      width: 1000,
      height: 750,
      channels: 3,
      background: '#808080',
      noise: { type: 'gaussian', mean: 128, sigma: 50 },
    },
  })
    .blur(1.2)
    .resize(width + 400, height + 300, { kernel: 'cubic' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const todo = Array.from({ length: count }, (_, i) => i).filter(
    (i) => !have.has(`photo-${String(i).padStart(4, '0')}.jpg`),
  );
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < todo.length) {
      const i = todo[next++] as number;
      await sharp(noise.data, { raw: { width: noise.info.width, height: noise.info.height, channels: 3 } })
        .extract({ left: (i * 37) % 400, top: (i * 53) % 300, width, height })
        .modulate({ brightness: 0.8 + ((i * 7) % 40) / 100, hue: (i * 29) % 360 })
        .jpeg({ quality: 88 })
        .toFile(path.join(dir, `photo-${String(i).padStart(4, '0')}.jpg`));
      if ((todo.length - next) % 50 === 0)
        process.stdout.write(`  generated ${count - (todo.length - next)}/${count}\r`);
    }
  };
  await Promise.all(Array.from({ length: os.cpus().length }, worker));
}

async function generateSmallFiles(dir: string, count: number): Promise<void> {
  mkdirSync(dir, { recursive: true });
  if (readdirSync(dir).length >= count) return;
  const pixels = Buffer.alloc(32 * 24 * 3);
  let state = 0x9e3779b9;
  const random = (): number => {
    // xorshift32: distinct, repeatable noise per file so no two files look alike.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) & 255;
  };
  for (let i = 0; i < count; i++) {
    for (let p = 0; p < pixels.length; p++) pixels[p] = random();
    const jpeg = await sharp(pixels, { raw: { width: 32, height: 24, channels: 3 } })
      .jpeg({ quality: 80 })
      .toBuffer();
    const sub = path.join(dir, String(Math.floor(i / 500)));
    if (i % 500 === 0) mkdirSync(sub, { recursive: true });
    writeFileSync(path.join(sub, `f${i}.jpg`), jpeg);
  }
}

/**
 * The decode limit on this machine: the same photos read and decoded by sharp alone (shrink-on-load
 * to the thumbnail size, as the scan does without ML), one lane per core. No scan can beat it.
 */
async function measureDecodeLimit(dir: string): Promise<{ perSecond: number; cpuMs: number }> {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.jpg'))
    .map((f) => path.join(dir, f));
  let next = 0;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const lane = async (): Promise<void> => {
    while (next < files.length) {
      const bytes = await readFile(files[next++] as string);
      await sharp(bytes, { sequentialRead: true })
        .resize(THUMB_LONG_SIDE, THUMB_LONG_SIDE, { fit: 'inside' })
        .raw()
        .toBuffer();
    }
  };
  await Promise.all(Array.from({ length: os.cpus().length }, lane));
  const cpu = process.cpuUsage(cpu0);
  return {
    perSecond: files.length / ((performance.now() - started) / 1000),
    cpuMs: (cpu.user + cpu.system) / 1000 / files.length,
  };
}

/** 12-MP HEICs with a 320-px thumbnail (as cameras write them), made by heif-enc when it exists. */
function prepareHeics(dir: string, jpegs: string, count: number): string[] {
  mkdirSync(dir, { recursive: true });
  const have = (): string[] => readdirSync(dir).filter((f) => f.endsWith('.heic'));
  for (const jpeg of readdirSync(jpegs)
    .filter((f) => f.endsWith('.jpg'))
    .slice(0, count)) {
    if (have().length >= count) break;
    const out = path.join(dir, jpeg.replace(/\.jpg$/, '.heic'));
    if (existsSync(out)) continue;
    try {
      execFileSync('heif-enc', ['-q', '50', '-t', '320', '-o', out, path.join(jpegs, jpeg)], {
        stdio: 'ignore',
      });
    } catch {
      break; // no heif-enc (or it failed): use what the folder has
    }
  }
  return have();
}

/** The same HEICs decoded in full by libheif in the worker pool, one lane per core. */
async function measureHeicFullDecode(dir: string, files: string[]): Promise<number> {
  let next = 0;
  const started = performance.now();
  const lane = async (): Promise<void> => {
    while (next < files.length)
      await decodeHeicOffThread(await readFile(path.join(dir, files[next++] as string)), DEFAULT_MAX_PIXELS);
  };
  await Promise.all(Array.from({ length: Math.min(2, os.cpus().length) }, lane));
  return files.length / ((performance.now() - started) / 1000);
}

function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

async function measureScan(
  folder: string,
  dataDir: string,
): Promise<{ seconds: number; cpuMs: number; images: number; unchanged: number }> {
  const engine = await createEngine({ dataDir });
  try {
    await engine.dispatch('library:addFolder', { path: folder });
    const started = performance.now();
    // CPU time of the whole process (all threads: libvips, libuv) does not depend on other load.
    const cpu0 = process.cpuUsage();
    const report = await engine.scanAndWait({ ml: false });
    const cpu = process.cpuUsage(cpu0);
    return {
      seconds: (performance.now() - started) / 1000,
      cpuMs: (cpu.user + cpu.system) / 1000,
      images: report.images,
      unchanged: report.unchanged,
    };
  } finally {
    await engine.dispose();
  }
}

const large = path.join(benchDir, 'scan-12mp');
const small = path.join(benchDir, `scan-noise-${RESCAN}`);
console.log(`Sift scan benchmark — ${os.cpus().length} cores, Node ${process.version}`);
console.log(`Preparing ${PHOTOS} 12-MP JPEGs in ${large} …`);
await generateLargePhotos(large, PHOTOS);
console.log(`\nPreparing ${RESCAN} small JPEGs in ${small} …`);
await generateSmallFiles(small, RESCAN);

const data1 = path.join(os.tmpdir(), `sift-bench-scan-${process.pid}-a`);
const data2 = path.join(os.tmpdir(), `sift-bench-scan-${process.pid}-b`);
try {
  // The machine's speed drifts (shared hosts): first scans and decode-limit runs alternate, and the
  // ratio is taken within each trial.
  const trials: Array<{ rate: number; cpu: number; limit: number; limitCpu: number }> = [];
  for (let t = 1; t <= TRIALS; t++) {
    rmSync(data1, { recursive: true, force: true });
    const first = await measureScan(large, data1);
    const limit = await measureDecodeLimit(large);
    const trial = {
      rate: first.images / first.seconds,
      cpu: first.cpuMs / first.images,
      limit: limit.perSecond,
      limitCpu: limit.cpuMs,
    };
    trials.push(trial);
    console.log(
      `trial ${t}: first scan, 12-MP, no ML: ${first.images} photos in ${first.seconds.toFixed(2)} s = ${trial.rate.toFixed(1)} photos/s, CPU ${trial.cpu.toFixed(1)} ms/photo (all threads) | decode limit (read + sharp decode alone, same files): ${trial.limit.toFixed(1)} photos/s, CPU ${trial.limitCpu.toFixed(1)} ms/photo | scan = ${((100 * trial.rate) / trial.limit).toFixed(0)}% of the limit; load ${os.loadavg()[0]?.toFixed(1)}`,
    );
  }
  const best = trials.reduce((a, b) => (b.rate > a.rate ? b : a));
  console.log(
    `first scan, 12-MP, no ML: best ${best.rate.toFixed(1)} photos/s (target ≥ 40), CPU ${best.cpu.toFixed(1)} ms/photo ⇒ at most ${((1000 * os.cpus().length) / best.cpu).toFixed(1)} photos/s on ${os.cpus().length} idle cores; ${((100 * best.rate) / best.limit).toFixed(0)}% of this machine's decode limit in the same trial (the target 40/s is 91% of the 44/s limit the issue measured)`,
  );
  const heicDir = path.join(benchDir, 'scan-heic');
  const heics = HEICS > 0 ? prepareHeics(heicDir, large, HEICS) : [];
  if (heics.length === 0) {
    console.log(`HEIC: skipped (no .heic files in ${heicDir} and no heif-enc on PATH to make them)`);
  } else {
    rmSync(data1, { recursive: true, force: true });
    const scan = await measureScan(heicDir, data1);
    const full = await measureHeicFullDecode(heicDir, heics);
    console.log(
      `first scan, ${heics.length} 12-MP HEICs with embedded thumbnails, no ML: ${(scan.images / scan.seconds).toFixed(1)} photos/s, CPU ${(scan.cpuMs / scan.images).toFixed(1)} ms/photo | full libheif decode of the same files (the path before): ${full.toFixed(2)} photos/s`,
    );
  }
  const initial = await measureScan(small, data2);
  console.log(`initial scan of ${initial.images} small files: ${initial.seconds.toFixed(2)} s`);
  const again = await measureScan(small, data2);
  console.log(
    `rescan of ${again.unchanged} unchanged files: ${again.seconds.toFixed(2)} s, CPU ${(again.cpuMs / 1000).toFixed(2)} s (target < 3)`,
  );
  console.log(`peak RSS: ${peakRssMb().toFixed(0)} MB`);
} finally {
  for (const d of [data1, data2]) if (existsSync(d)) rmSync(d, { recursive: true, force: true });
}
