/**
 * An exporter whose implementation is loaded on its first export: register() stays synchronous
 * and cheap, and only the chosen OTLP package (gRPC pulls in @grpc/grpc-js) is ever loaded.
 * Every result passes through an ExportHealth, so failures are counted and said.
 */
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { AggregationTemporality, InstrumentType } from '@opentelemetry/sdk-metrics';
import type { ExportHealth } from './export-health.js';

export interface LoadedExporter<T> {
  export(items: T, done: (result: ExportResult) => void): void;
  shutdown(): Promise<void>;
  forceFlush?(): Promise<void>;
}

export class LazyExporter<T> {
  private loading: Promise<LoadedExporter<T>> | undefined;
  private loaded: LoadedExporter<T> | undefined;
  private closed = false;

  constructor(
    private readonly load: () => Promise<LoadedExporter<T>>,
    readonly health: ExportHealth,
  ) {}

  private get(): Promise<LoadedExporter<T>> {
    this.loading ??= this.load().then((e) => (this.loaded = e));
    return this.loading;
  }

  export(items: T, done: (result: ExportResult) => void): void {
    const finish = (result: ExportResult): void => {
      this.health.record(result);
      done(result);
    };
    if (this.closed) return finish({ code: ExportResultCode.FAILED, error: new Error('exporter is shut down') });
    this.get().then(
      (e) => {
        try {
          e.export(items, finish);
        } catch (error) {
          finish({ code: ExportResultCode.FAILED, error: error as Error });
        }
      },
      (error: Error) => finish({ code: ExportResultCode.FAILED, error }),
    );
  }

  async forceFlush(): Promise<void> {
    await this.loaded?.forceFlush?.();
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    await this.loaded?.shutdown();
  }
}

/**
 * A metric exporter must name its temporality before it is loaded (the reader asks at
 * construction): `OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE` as the specification maps it.
 */
export class LazyMetricExporter<T> extends LazyExporter<T> {
  constructor(
    load: () => Promise<LoadedExporter<T>>,
    health: ExportHealth,
    private readonly preference: string = 'cumulative',
  ) {
    super(load, health);
  }

  selectAggregationTemporality(type: InstrumentType): AggregationTemporality {
    const p = this.preference.trim().toLowerCase();
    const deltaFor =
      p === 'delta'
        ? [InstrumentType.COUNTER, InstrumentType.OBSERVABLE_COUNTER, InstrumentType.HISTOGRAM]
        : p === 'lowmemory'
          ? [InstrumentType.COUNTER, InstrumentType.HISTOGRAM]
          : [];
    return deltaFor.includes(type) ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE;
  }
}
