/**
 * Vision stage benchmark: 12-MP JPEGs of people (the dev group photos scaled to 4000x3000, some
 * with an EXIF rotation), decoded by the scan's own decodePhoto (shrink-on-load, orientation applied)
 * and analysed with several photos in flight. Prints photos/s for the whole stage, faces/s for
 * batched descriptors and peak RSS. Generated photos live in a temp dir and are not committed.
 *
 *   npm run bench:vision [-- --photos 60 --inflight 4 --workers 2 --verify 0.78]
 *
 * `--verify 0` turns face verification off (to measure what it costs).
 */
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import sharp from 'sharp';

// One decode at a time per lane; libvips' operation cache only costs memory here.
sharp.cache(false);
import { createLogger } from '../src/common/logger';
import { ANALYSIS_LONG_SIDE, type Raster } from '../src/common/raster';
import { createVisionPipeline, ensureModels } from '../src/engine/ml/index';
import { DEFAULT_MODELS_DIR } from '../src/engine/paths';
import { datasetsRoot } from '../src/engine/testing';
import { decodePhoto } from '../src/engine/scan/decode';
import { detectImageFormat } from '../src/engine/scan/detect';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

const PHOTOS = arg('photos', 60);
const INFLIGHT = arg('inflight', 4);
const WORKERS = arg('workers', 2);
const verifyArg = process.argv.indexOf('--verify');
const VERIFY = verifyArg >= 0 ? Number(process.argv[verifyArg + 1]) : undefined;
if (VERIFY !== undefined && !(VERIFY >= 0 && VERIFY <= 1))
  throw new Error(
    `Expected a number in [0, 1] for --verify but received ${String(process.argv[verifyArg + 1])}`,
  );
const logger = createLogger(
  (level, message, context) => console.log(`[vision] ${level} ${message} ${JSON.stringify(context)}`),
  'warn',
);

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);

async function makePhotos(dir: string): Promise<string[]> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const groupDir = path.join(datasetsRoot(), 'faces', 'group');
  const sources = (await readdir(groupDir)).filter((f) => f.endsWith('.jpg')).sort();
  const files: string[] = [];
  for (const [i, f] of sources.entries()) {
    for (const variant of ['plain', 'mirrored-rotated'] as const) {
      const out = path.join(dir, `${path.basename(f, '.jpg')}-${variant}.jpg`);
      let img = sharp(path.join(groupDir, f)).resize(4000, 3000, { fit: 'cover', kernel: 'lanczos3' });
      if (variant === 'mirrored-rotated') {
        // Stored rotated with EXIF orientation 6 (display = rotate 90° cw), so decode must apply it.
        img = sharp(await img.flop().jpeg({ quality: 92 }).toBuffer())
          .rotate(-90)
          .withMetadata({ orientation: 6 });
      }
      await img.jpeg({ quality: 90, mozjpeg: false }).toFile(out);
      files.push(out);
    }
    void i;
  }
  return files;
}

async function decode(file: string): Promise<Raster> {
  // The scan's own single decode: EXIF orientation, shrink-on-load sized for libjpeg, thumbnail.
  const bytes = await readFile(file);
  const kind = detectImageFormat(bytes, path.extname(file));
  if (!kind) throw new Error(`Not an image: ${file}`);
  return (await decodePhoto(bytes, kind, { longSide: ANALYSIS_LONG_SIDE })).raster;
}

async function main(): Promise<void> {
  await ensureModels(DEFAULT_MODELS_DIR, logger);
  const dir = path.join(os.tmpdir(), 'sift-bench-vision');
  const photos = await makePhotos(dir);
  const meta = await sharp(photos[1] ?? '').metadata();
  console.log(
    `photos: ${photos.length} distinct 12-MP JPEGs (${meta.width}x${meta.height}, orientation ${String(meta.orientation)}), ${PHOTOS} analysed, ${INFLIGHT} in flight, ${WORKERS} inference workers, face verification ${VERIFY === 0 ? 'off' : `>= ${VERIFY ?? 'default'}`}, ${os.availableParallelism()} cores`,
  );

  const pipeline = createVisionPipeline({
    modelsDir: DEFAULT_MODELS_DIR,
    logger,
    workers: WORKERS,
    faceMinVerification: VERIFY,
  });
  let warmRss = 0;
  try {
    // Warm-up: load every model on every worker (not timed).
    await Promise.all(
      Array.from({ length: WORKERS }, (_, i) =>
        decode(photos[i % photos.length] ?? '').then((r) => pipeline.analyze(r)),
      ),
    );

    warmRss = process.memoryUsage().rss;
    let next = 0;
    let faces = 0;
    let persons = 0;
    let decodeMs = 0;
    let gcMs = 0;
    const gcObserver = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) gcMs += e.duration;
    });
    gcObserver.observe({ entryTypes: ['gc'] });
    const inference0 = pipeline.inferenceTime();
    const cpu0 = process.cpuUsage();
    const started = performance.now();
    const lane = async (): Promise<void> => {
      while (next < PHOTOS) {
        const file = photos[next++ % photos.length] ?? '';
        const t0 = performance.now();
        const raster = await decode(file);
        decodeMs += performance.now() - t0;
        const r = await pipeline.analyze(raster);
        faces += r.faces.length;
        persons += r.persons.length;
      }
    };
    await Promise.all(Array.from({ length: INFLIGHT }, lane));
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpu0);
    gcObserver.disconnect();
    const inference = Object.entries(pipeline.inferenceTime()).map(([model, t]) => ({
      model,
      runs: t.runs - (inference0[model]?.runs ?? 0),
      // Thread CPU time where the platform tells it (Linux), wall time in the worker otherwise.
      ms: t.cpuMs === null ? t.ms - (inference0[model]?.ms ?? 0) : t.cpuMs - (inference0[model]?.cpuMs ?? 0),
    }));
    const inferenceClock = Object.values(pipeline.inferenceTime()).every((t) => t.cpuMs !== null)
      ? 'thread CPU'
      : 'wall';
    const cpuMsPerPhoto = (cpu.user + cpu.system) / 1000 / PHOTOS;
    console.log(
      `whole stage (decode + detect + align + embed + persons + background): ${(PHOTOS / seconds).toFixed(1)} photos/s (${((seconds * 1000) / PHOTOS).toFixed(1)} ms/photo wall, decode ${(decodeMs / PHOTOS).toFixed(1)} ms/photo), ${(faces / PHOTOS).toFixed(1)} faces and ${(persons / PHOTOS).toFixed(1)} persons per photo`,
    );
    // Wall-clock numbers depend on what else runs on the machine; CPU time per photo (all threads of
    // this process: libvips, main thread, inference workers) projects the rate on idle cores.
    console.log(
      `CPU time: ${cpuMsPerPhoto.toFixed(1)} ms/photo (all threads) => ${((os.availableParallelism() * 1000) / cpuMsPerPhoto).toFixed(1)} photos/s projected on ${os.availableParallelism()} idle cores; main-thread GC ${(gcMs / PHOTOS).toFixed(1)} ms/photo; load average now ${os.loadavg()[0]?.toFixed(1)}`,
    );
    // session.run in the workers (one intra-op thread each, so its time is CPU time): the models alone.
    const inferenceMs = inference.reduce((sum, t) => sum + t.ms, 0) / PHOTOS;
    console.log(
      `inference alone (${inferenceClock} time of session.run): ${inferenceMs.toFixed(1)} ms/photo = ${inference.map((t) => `${t.model} ${(t.ms / PHOTOS).toFixed(1)} ms (${(t.runs / PHOTOS).toFixed(2)} runs)`).join(', ')}`,
    );

    // The decode alone (same photos, one lane per core): what the models and their pre/post-processing add.
    let nextDecode = 0;
    const c0 = process.cpuUsage();
    const d0 = performance.now();
    await Promise.all(
      Array.from({ length: os.availableParallelism() }, async () => {
        while (nextDecode < PHOTOS) await decode(photos[nextDecode++ % photos.length] ?? '');
      }),
    );
    const decodeCpu = process.cpuUsage(c0);
    const decodeCpuMs = (decodeCpu.user + decodeCpu.system) / 1000 / PHOTOS;
    console.log(
      `decode alone: ${(PHOTOS / ((performance.now() - d0) / 1000)).toFixed(1)} photos/s, CPU ${decodeCpuMs.toFixed(1)} ms/photo => detection, descriptors, persons and background add ${(cpuMsPerPhoto - decodeCpuMs).toFixed(1)} ms/photo`,
    );
    const floorMs = decodeCpuMs + inferenceMs;
    console.log(
      `decode + inference alone: ${floorMs.toFixed(1)} ms/photo => at most ${((os.availableParallelism() * 1000) / floorMs).toFixed(1)} photos/s on ${os.availableParallelism()} cores even with free pre/post-processing (the rest, samplers, decoding of outputs, GC and messaging: ${(cpuMsPerPhoto - floorMs).toFixed(1)} ms/photo)`,
    );

    // Batched descriptors alone: 512 chips in batches of 16 over the pool.
    const count = 256;
    const chips = new Float32Array(count * 150 * 150 * 3).map((_, i) => (i * 13) % 256);
    await pipeline.embedChips(chips.subarray(0, 32 * 150 * 150 * 3), 32);
    const c1 = process.cpuUsage();
    const t1 = performance.now();
    await pipeline.embedChips(chips, count);
    const embedSeconds = (performance.now() - t1) / 1000;
    const embedCpu = process.cpuUsage(c1);
    const cpuMsPerFace = (embedCpu.user + embedCpu.system) / 1000 / count;
    console.log(
      `face descriptors (batch 16, ${WORKERS} workers): ${(count / embedSeconds).toFixed(0)} faces/s wall; CPU ${cpuMsPerFace.toFixed(2)} ms/face => ${((Math.min(WORKERS, os.availableParallelism()) * 1000) / cpuMsPerFace).toFixed(0)} faces/s projected on idle cores`,
    );
  } finally {
    await pipeline.dispose();
    clearInterval(sampler);
  }
  console.log(
    `peak RSS: ${(peakRss / 1024 / 1024).toFixed(0)} MiB (process incl. worker threads; ${(warmRss / 1024 / 1024).toFixed(0)} MiB after model warm-up)`,
  );
}

main().catch((error: unknown) => {
  clearInterval(sampler);
  console.error(error);
  process.exitCode = 1;
});
