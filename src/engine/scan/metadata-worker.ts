/** Worker thread that parses EXIF (exifr), so a parser stuck on a malformed file can be stopped. */
import { parentPort } from 'node:worker_threads';
import { readMetadata } from './exif';
import type { MetadataReply, MetadataRequest } from './metadata-pool';

const port = parentPort;
if (!port) throw new Error('metadata-worker must run in a worker thread');

port.on('message', (req: MetadataRequest) => {
  void readMetadata(Buffer.from(req.bytes.buffer, req.bytes.byteOffset, req.bytes.byteLength)).then(
    (metadata) => {
      const reply: MetadataReply = { id: req.id, metadata };
      port.postMessage(reply);
    },
  );
});
