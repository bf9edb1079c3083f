/** The flags of seed 000, section 5, plus the loading period the seed fixes at 10 s. */
export interface DummyOptions {
  /** --debug: log at debug level. Default false. */
  debug: boolean;
  /** --noop: publish `started` only and exit, without reading commands. Default false. */
  noop: boolean;
  /** --exit-on-ping: finish after answering the first ping. Default false. */
  exitOnPing: boolean;
  /** --exit-after N: finish after N seconds. Default: run until stopped. */
  exitAfterSeconds: number | undefined;
  /** --simulate-loading: publish `loading` every loadingIntervalSeconds. Default false. */
  simulateLoading: boolean;
  /** --loading-interval S: period of `loading` events. Default 10 (the seed's). */
  loadingIntervalSeconds: number;
  /** --fail-after N: publish `error` and exit non-zero after N seconds. Default: never. */
  failAfterSeconds: number | undefined;
  /** --records-per-tick N: records_written grows by N per loading event. Default 1000. */
  recordsPerTick: number;
}

export const DEFAULT_DUMMY_OPTIONS: Readonly<DummyOptions> = Object.freeze({
  debug: false,
  noop: false,
  exitOnPing: false,
  exitAfterSeconds: undefined,
  simulateLoading: false,
  loadingIntervalSeconds: 10,
  failAfterSeconds: undefined,
  recordsPerTick: 1000,
});

/** dummy-service serves /metrics on port 8000 unless METRICS_PORT says otherwise (seed 000, section 6). */
export const DUMMY_HTTP_PORT = 8000;
