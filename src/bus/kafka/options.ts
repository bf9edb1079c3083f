/** How to reach a Kafka cluster; resolved from KAFKA_* variables by runtime/config. */
export interface KafkaConnectionOptions {
  /** `host:port` list (KAFKA_BOOTSTRAP_SERVERS). */
  bootstrapServers: string[];
  /** Identifies this process in broker logs and quotas; default 'streamforge'. */
  clientId?: string;
  /** SCRAM-SHA-512 user (KAFKA_USER); when set, the connection uses TLS + SASL. */
  user?: string;
  /** SCRAM password (KAFKA_PASSWORD). */
  password?: string;
  /** PEM of the CA that signed the broker certificate (read from KAFKA_CA_PATH). */
  ca?: string;
  /** Longest a TCP/TLS connect may take, in ms; default 5000. */
  connectTimeoutMs?: number;
  /** Longest a request may take, in ms; default 15000. */
  requestTimeoutMs?: number;
  /** Retries of a failed request before giving up; default 3. Produce rides out outages instead (below). */
  retries?: number;
  /**
   * Longest a produce keeps retrying an unreachable broker before it fails, in ms
   * (KAFKA_DELIVERY_TIMEOUT_SECONDS, as Kafka's delivery.timeout.ms); default 120000. A broker restart
   * takes 20–30 s. The producer is idempotent and retries a batch with its sequence numbers, so the
   * broker writes it once however often it is sent.
   */
  deliveryTimeoutMs?: number;
}

/** Kafka's own default of delivery.timeout.ms: outlasts a broker restart with room to spare. */
export const DEFAULT_DELIVERY_TIMEOUT_MS = 120_000;

/** Wait before the n-th retry (1-based) of an unreachable broker: 250 ms doubling, at most 2 s. */
export function outageRetryDelayMs(attempt: number): number {
  return Math.min(250 * 2 ** Math.max(0, attempt - 1), 2000);
}

/** The options of @platformatic/kafka clients that carry the connection. */
export function clientOptions(options: KafkaConnectionOptions, suffix: string) {
  const secure = options.user !== undefined && options.user !== '';
  return {
    clientId: `${options.clientId ?? 'streamforge'}-${suffix}`,
    bootstrapBrokers: options.bootstrapServers,
    connectTimeout: options.connectTimeoutMs ?? 5000,
    requestTimeout: options.requestTimeoutMs ?? 15000,
    retries: options.retries ?? 3,
    retryDelay: 250,
    ...(secure
      ? {
          tls: options.ca ? { ca: options.ca } : {},
          sasl: {
            mechanism: 'SCRAM-SHA-512' as const,
            username: options.user,
            password: options.password ?? '',
          },
        }
      : {}),
  };
}
