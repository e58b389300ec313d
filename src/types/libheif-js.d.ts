/**
 * The part of libheif-js (the WebAssembly build heic-decode uses) that the HEIC thumbnail path
 * calls: embind wrappers, plus the raw C functions for thumbnails, which embind does not wrap.
 */
declare module 'libheif-js/wasm-bundle' {
  interface HeifError {
    code: { value: number };
    message: string;
  }
  /** An embind-wrapped `heif_image_handle*`; `$$.ptr` is the raw pointer the C functions take. */
  interface HeifHandle {
    $$?: { ptr?: number };
  }
  export interface HeifChannel {
    id: { value: number };
    width: number;
    height: number;
    stride: number;
    data: Uint8Array;
  }
  interface HeifDecoded {
    code?: unknown;
    image: unknown;
    channels: HeifChannel[];
  }
  export interface LibHeif {
    ready?: Promise<void>;
    HEAPU8: Uint8Array;
    heif_colorspace: { heif_colorspace_RGB: unknown };
    heif_chroma: { heif_chroma_interleaved_RGB: unknown };
    heif_channel: { heif_channel_interleaved: { value: number } };
    heif_context_alloc(): unknown;
    heif_context_free(context: unknown): void;
    heif_context_read_from_memory(context: unknown, bytes: Uint8Array): HeifError;
    heif_js_context_get_primary_image_handle(context: unknown): HeifHandle & { code?: unknown };
    heif_js_context_get_image_handle(context: unknown, id: number): HeifHandle & { code?: unknown };
    heif_image_handle_get_width(handle: HeifHandle): number;
    heif_image_handle_get_height(handle: HeifHandle): number;
    heif_image_handle_release(handle: HeifHandle): void;
    heif_js_decode_image2(
      handle: HeifHandle,
      colorspace: unknown,
      chroma: unknown,
    ): Promise<HeifDecoded | null>;
    heif_image_release(image: unknown): void;
    _heif_image_handle_get_number_of_thumbnails(handle: number): number;
    _heif_image_handle_get_list_of_thumbnail_IDs(handle: number, ids: number, count: number): number;
    _malloc(bytes: number): number;
    _free(pointer: number): void;
  }
  const libheif: LibHeif;
  export default libheif;
}
