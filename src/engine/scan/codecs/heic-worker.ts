/**
 * Worker thread that decodes HEIC. libheif (WebAssembly) takes over a second for a 12-MP photo and
 * would block the engine's event loop (progress, RPC) for all that time; here it blocks only this thread.
 */
import { parentPort } from 'node:worker_threads';
import { DecodeError } from './decode-error';
import { decodeHeicPixels } from './heic';
import type { HeicReply, HeicRequest } from './heic-pool';

const port = parentPort;
if (!port) throw new Error('heic-worker must run in a worker thread');

// libheif-js reports its real reason with console.log and then throws a generic error. Keep the
// reason for the error message, and keep it off stdout (`sift … --json` owns stdout).
let lastLibraryMessage = '';
// eslint-disable-next-line no-console -- this captures a library's output; nothing is logged here
console.log = (...args: unknown[]): void => {
  lastLibraryMessage = args
    .map((a) =>
      typeof a === 'string' ? a : a && typeof a === 'object' && 'message' in a ? String(a.message) : '',
    )
    .join(' ');
};

port.on('message', (req: HeicRequest) => {
  lastLibraryMessage = '';
  decodeHeicPixels(Buffer.from(req.bytes), req.maxPixels, req.previewLongSide).then(
    ({ raster, width, height }) => {
      const data = raster.data;
      const copy = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data : data.slice();
      const reply: HeicReply = {
        id: req.id,
        ok: true,
        data: copy,
        width: raster.width,
        height: raster.height,
        channels: raster.channels,
        fullWidth: width,
        fullHeight: height,
      };
      port.postMessage(reply, [copy.buffer as ArrayBuffer]);
    },
    (error: unknown) => {
      const code = error instanceof DecodeError ? error.code : null;
      const message = error instanceof Error ? error.message : String(error);
      const detail = lastLibraryMessage.replace(/\s+/g, ' ').trim();
      const reply: HeicReply = {
        id: req.id,
        ok: false,
        code,
        message: detail && !message.includes(detail) ? `${message}: ${detail}` : message,
      };
      port.postMessage(reply);
    },
  );
});
