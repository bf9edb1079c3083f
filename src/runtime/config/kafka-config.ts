import { readFileSync } from 'node:fs';
// Not from bus/index.ts: that loads the Kafka client, which `streamforge up` must not (start-up time).
import { DEFAULT_DELIVERY_TIMEOUT_MS, type KafkaConnectionOptions } from '../../bus/kafka/options.ts';
import { ErrorCodes, StreamForgeError } from '../../protocol/index.ts';
import { readInteger, readString, type Env } from './env.ts';

/**
 * Kafka connection from KAFKA_BOOTSTRAP_SERVERS (or the seed-002 alias KAFKA_BROKER_LIST), KAFKA_USER,
 * KAFKA_PASSWORD, KAFKA_CA_PATH and KAFKA_DELIVERY_TIMEOUT_SECONDS (how long a produce rides out an
 * unreachable broker; default 120, as Kafka's delivery.timeout.ms). Undefined when no broker is configured: the caller runs embedded.
 */
export function readKafkaConfig(env: Env, clientId = 'streamforge'): KafkaConnectionOptions | undefined {
  const servers = readString(env, 'KAFKA_BOOTSTRAP_SERVERS') ?? readString(env, 'KAFKA_BROKER_LIST');
  if (servers === undefined) return undefined;
  const bootstrapServers = servers
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = bootstrapServers.find((s) => !/^[^:\s]+:\d{1,5}$/.test(s));
  if (bad !== undefined) {
    throw new StreamForgeError(
      ErrorCodes.INVALID_CONFIG,
      `KAFKA_BOOTSTRAP_SERVERS: "${bad}" is not host:port (expected e.g. 127.0.0.1:9092,other:9092)`,
    );
  }
  const user = readString(env, 'KAFKA_USER');
  const password = readString(env, 'KAFKA_PASSWORD');
  if (user !== undefined && password === undefined) {
    throw new StreamForgeError(ErrorCodes.INVALID_CONFIG, `KAFKA_USER is set but KAFKA_PASSWORD is not`);
  }
  const caPath = readString(env, 'KAFKA_CA_PATH');
  const deliveryTimeoutSeconds = readInteger(
    env,
    'KAFKA_DELIVERY_TIMEOUT_SECONDS',
    DEFAULT_DELIVERY_TIMEOUT_MS / 1000,
    1,
  );
  return Object.freeze({
    bootstrapServers,
    clientId,
    user,
    password,
    ca: caPath === undefined ? undefined : readCa(caPath),
    deliveryTimeoutMs: deliveryTimeoutSeconds * 1000,
  });
}

function readCa(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new StreamForgeError(
      ErrorCodes.INVALID_CONFIG,
      `KAFKA_CA_PATH=${path} cannot be read (${(error as Error).message})`,
      { cause: error },
    );
  }
}
