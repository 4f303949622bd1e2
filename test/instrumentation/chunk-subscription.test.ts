/**
 * Stream chunks are published on the chunk channel only while someone listens; the
 * instrumentation listens only while metrics are recorded (time per output chunk), so a traced
 * stream without a MeterProvider costs no event per chunk. Setting a MeterProvider turns it on,
 * disabling the instrumentation turns it off.
 */
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { TracegateInstrumentation } from '../../instrumentations/index.js';
import { chunkChannel } from '../../src/channels.js';

describe('chunk channel subscription', () => {
  it('follows whether metrics are recorded', () => {
    expect(chunkChannel.hasSubscribers).toBe(false);
    const instrumentation = new TracegateInstrumentation();
    try {
      instrumentation.enable();
      expect(chunkChannel.hasSubscribers).toBe(false);
      instrumentation.setMeterProvider(new MeterProvider());
      expect(chunkChannel.hasSubscribers).toBe(true);
      instrumentation.disable();
      expect(chunkChannel.hasSubscribers).toBe(false);
      instrumentation.enable();
      expect(chunkChannel.hasSubscribers).toBe(true);
    } finally {
      instrumentation.disable();
    }
    expect(chunkChannel.hasSubscribers).toBe(false);
  });
});
