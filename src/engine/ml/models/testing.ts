/** Test tooling for the model manifest: edited copies of the real manifest in a temporary folder. */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_MODELS_DIR } from '../../paths';

export interface EditableManifest {
  models: Array<
    Record<string, unknown> & {
      source: { files: Record<string, string>; version: string };
      output: { sha256: string };
    }
  >;
}

/** A temporary folder for manifest copies; `copy` writes one, changed by `edit`, and returns its folder. */
export async function manifestCopies(): Promise<{
  copy(name: string, edit: (m: EditableManifest) => void): Promise<string>;
  cleanup(): Promise<void>;
}> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'sift-models-'));
  return {
    async copy(name, edit) {
      const dir = path.join(tmp, name);
      await cp(path.join(DEFAULT_MODELS_DIR, 'manifest.json'), path.join(dir, 'manifest.json'));
      const json = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as EditableManifest;
      edit(json);
      await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(json));
      return dir;
    },
    cleanup: () => rm(tmp, { recursive: true, force: true }),
  };
}
