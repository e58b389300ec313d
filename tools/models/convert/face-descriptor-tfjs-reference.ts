/**
 * Reference implementation of face-api's FaceRecognitionNet forward pass in plain TF.js (cpu
 * backend), op for op as face-api runs it (conv, bias add, scale layer, relu; down blocks with
 * average-pooled, zero-padded shortcuts). Used only by golden tests to check the ONNX graph.
 */
import * as tf from '@tensorflow/tfjs';
import { FACE_DESCRIPTOR_DIVISOR, FACE_DESCRIPTOR_MEAN_RGB } from './face-descriptor-net';
import type { WeightTensor } from './tfjs-format';

export function faceDescriptorReference(
  weights: ReadonlyMap<string, WeightTensor>,
  batch: Float32Array,
  n: number,
): Float32Array {
  return tf.tidy(() => {
    const t = (name: string): tf.Tensor => {
      const w = weights.get(name);
      if (!w) throw new Error(`missing weight ${name}`);
      return tf.tensor(w.data, w.shape, 'float32');
    };
    const layer = (
      x: tf.Tensor4D,
      p: string,
      stride: 1 | 2,
      relu: boolean,
      pad: 'same' | 'valid',
    ): tf.Tensor4D => {
      let out: tf.Tensor4D = tf.conv2d(x, t(`${p}/conv/filters`) as tf.Tensor4D, stride, pad);
      out = tf.add(out, t(`${p}/conv/bias`));
      out = tf.add(tf.mul(out, t(`${p}/scale/weights`)), t(`${p}/scale/biases`));
      return relu ? tf.relu(out) : out;
    };
    const residual = (x: tf.Tensor4D, p: string): tf.Tensor4D =>
      tf.relu(
        tf.add<tf.Tensor4D>(
          layer(layer(x, `${p}/conv1`, 1, true, 'same'), `${p}/conv2`, 1, false, 'same'),
          x,
        ),
      );
    const residualDown = (x: tf.Tensor4D, p: string): tf.Tensor4D => {
      let out = layer(layer(x, `${p}/conv1`, 2, true, 'valid'), `${p}/conv2`, 1, false, 'same');
      let pooled: tf.Tensor4D = tf.avgPool(x, 2, 2, 'valid');
      if (pooled.shape[1] !== out.shape[1] || pooled.shape[2] !== out.shape[2]) {
        out = tf.concat([out, tf.zeros([out.shape[0], 1, out.shape[2], out.shape[3]])], 1);
        out = tf.concat([out, tf.zeros([out.shape[0], out.shape[1], 1, out.shape[3]])], 2);
      }
      if (pooled.shape[3] !== out.shape[3]) pooled = tf.concat([pooled, tf.zeros(pooled.shape)], 3);
      return tf.relu(tf.add<tf.Tensor4D>(pooled, out));
    };
    const input = tf.tensor4d(batch, [n, 150, 150, 3]);
    let x: tf.Tensor4D = tf.div(
      tf.sub(input, tf.tensor1d([...FACE_DESCRIPTOR_MEAN_RGB])),
      FACE_DESCRIPTOR_DIVISOR,
    );
    x = layer(x, 'conv32_down', 2, true, 'valid');
    x = tf.maxPool(x, 3, 2, 'valid');
    for (const p of ['conv32_1', 'conv32_2', 'conv32_3']) x = residual(x, p);
    x = residualDown(x, 'conv64_down');
    for (const p of ['conv64_1', 'conv64_2', 'conv64_3']) x = residual(x, p);
    x = residualDown(x, 'conv128_down');
    for (const p of ['conv128_1', 'conv128_2']) x = residual(x, p);
    x = residualDown(x, 'conv256_down');
    for (const p of ['conv256_1', 'conv256_2']) x = residual(x, p);
    x = residualDown(x, 'conv256_down_out');
    const pooled = tf.mean(x, [1, 2]);
    return tf.matMul(pooled, t('fc') as tf.Tensor2D).dataSync() as Float32Array;
  });
}
