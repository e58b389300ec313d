/**
 * A face cut out of its photo's thumbnail. The face box is in original pixels; the photo's size
 * (from `library:photo`, cached) scales it onto the thumbnail, which keeps the aspect ratio.
 */
import { useEffect, useState } from 'react';
import type { ApiClient } from '../../../src/common/contract/rpc';
import type { FaceRef } from '../../../src/common/contract/types';
import { useServices } from '../api';

type Size = { width: number; height: number } | null;
const sizeCaches = new WeakMap<ApiClient, Map<number, Promise<Size>>>();

function photoSize(api: ApiClient, photoId: number): Promise<Size> {
  let cache = sizeCaches.get(api);
  if (!cache) sizeCaches.set(api, (cache = new Map<number, Promise<Size>>()));
  let pending = cache.get(photoId);
  if (!pending) {
    pending = api.library.photo({ id: photoId }).then(
      (p) => (p.width && p.height ? { width: p.width, height: p.height } : null),
      () => null,
    );
    cache.set(photoId, pending);
  }
  return pending;
}

export function FaceThumb({
  face,
  px,
  round,
}: {
  face: Pick<FaceRef, 'photoId' | 'box' | 'path'>;
  px: number;
  round?: boolean;
}) {
  const { api, host } = useServices();
  const [size, setSize] = useState<Size | undefined>(undefined);
  useEffect(() => {
    let live = true;
    void photoSize(api, face.photoId).then((s) => live && setSize(s));
    return () => {
      live = false;
    };
  }, [api, face.photoId]);

  const [x, y, w, h] = face.box;
  const frame = { width: px, height: px };
  if (!size || w <= 0 || h <= 0) {
    return (
      <div className={`face-crop ${round ? 'round' : ''}`} style={frame}>
        {/* Empty only while the photo's size loads; without a usable box, the whole photo. */}
        {size !== undefined && (
          <img
            src={host.thumbUrl(face.photoId, 'small')}
            loading="lazy"
            width={px}
            height={px}
            alt=""
            className="thumb"
          />
        )}
      </div>
    );
  }
  // Show the face with a margin around it, centred, but never past the photo's edges: a crop
  // larger than the photo (a tight portrait) showed the square photo on a grey disc.
  const side = Math.min(Math.max(w, h) * 1.5, size.width, size.height);
  const scale = px / side;
  const cx = Math.min(size.width - side / 2, Math.max(side / 2, x + w / 2));
  const cy = Math.min(size.height - side / 2, Math.max(side / 2, y + h / 2));
  const large = side < size.width / 3;
  return (
    <div className={`face-crop ${round ? 'round' : ''}`} style={frame} title={face.path}>
      <img
        src={host.thumbUrl(face.photoId, large ? 'large' : 'small')}
        loading="lazy"
        decoding="async"
        alt=""
        draggable={false}
        style={{
          width: size.width * scale,
          height: size.height * scale,
          left: px / 2 - cx * scale,
          top: px / 2 - cy * scale,
        }}
      />
    </div>
  );
}
