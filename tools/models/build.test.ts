import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/common/logger';
import { readManifest } from '../../src/engine/ml/models/manifest';
import { manifestCopies } from '../../src/engine/ml/models/testing';
import { sha256Hex } from '../../src/engine/ml/models/verify';
import { DEFAULT_MODELS_DIR, PACKAGE_ROOT } from '../../src/engine/paths';
import { ensureModelFiles } from './build';

let manifests: Awaited<ReturnType<typeof manifestCopies>>;
const manifestCopy: Awaited<ReturnType<typeof manifestCopies>>['copy'] = (name, edit) =>
  manifests.copy(name, edit);

beforeAll(async () => {
  manifests = await manifestCopies();
});
afterAll(() => manifests.cleanup());

describe('model build', () => {
  it('is idempotent: pinned outputs that exist are skipped', async () => {
    await ensureModelFiles(DEFAULT_MODELS_DIR, silentLogger, { resolveFrom: PACKAGE_ROOT });
    const again = await ensureModelFiles(DEFAULT_MODELS_DIR, silentLogger, { resolveFrom: PACKAGE_ROOT });
    expect(again.built).toEqual([]);
    expect(again.skipped).toHaveLength(3);
  });

  it('rebuilds deterministically: a fresh build reproduces the pinned sha256', async () => {
    const dir = await manifestCopy('fresh', (m) => {
      m.models = m.models.filter((x) => x.id === 'blazeface-back-dynamic');
    });
    const r = await ensureModelFiles(dir, silentLogger, { resolveFrom: PACKAGE_ROOT });
    expect(r.built).toHaveLength(1);
    const pinned = (await readManifest(DEFAULT_MODELS_DIR)).models.find(
      (x) => x.id === 'blazeface-back-dynamic',
    )?.output.sha256;
    expect(
      sha256Hex(await readFile(path.join(dir, 'build', 'face-detection.blazeface-back-dynamic.onnx'))),
    ).toBe(pinned);
  });

  it('fails clearly when a source file does not match its pinned sha256', async () => {
    const dir = await manifestCopy('tampered', (m) => {
      m.models = m.models.filter((x) => x.id === 'blazeface-back-dynamic');
      const files = m.models[0]?.source.files ?? {};
      files['models/blazeface-back.bin'] = '0'.repeat(64);
    });
    await expect(ensureModelFiles(dir, silentLogger, { resolveFrom: PACKAGE_ROOT })).rejects.toThrow(
      /Model blazeface-back-dynamic: source file @vladmandic\/human-models\/models\/blazeface-back\.bin has sha256 [0-9a-f]{64}, manifest pins 0{64}/,
    );
  });

  it('fails clearly when the installed package version differs from the manifest', async () => {
    const dir = await manifestCopy('version', (m) => {
      m.models = m.models.filter((x) => x.id === 'blazeface-back-dynamic');
      const first = m.models[0];
      if (first) first.source.version = '9.9.9';
    });
    await expect(ensureModelFiles(dir, silentLogger, { resolveFrom: PACKAGE_ROOT })).rejects.toThrow(
      /expected @vladmandic\/human-models@9\.9\.9 but found version 3\.0\.4/,
    );
  });

  it('fails when the built output does not match the pinned output sha256', async () => {
    const dir = await manifestCopy('outhash', (m) => {
      m.models = m.models.filter((x) => x.id === 'blazeface-back-dynamic');
      const first = m.models[0];
      if (first) first.output.sha256 = 'f'.repeat(64);
    });
    await expect(ensureModelFiles(dir, silentLogger, { resolveFrom: PACKAGE_ROOT })).rejects.toThrow(
      /built ONNX has sha256 [0-9a-f]{64} but the manifest pins f{64}/,
    );
  });
});
