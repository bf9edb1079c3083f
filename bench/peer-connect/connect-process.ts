// Kafka Connect standalone with the Debezium JDBC sink, run as one plain `java` process on the jars that
// assemble.sh cached: its configuration files, its start, its CPU seconds (from /proc/<pid>/stat), its stop.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const TICKS_PER_SECOND = 100; // USER_HZ, as in bench/support/cpu.ts

/** Runs assemble.sh (fetches the jars once, then only checks the cache) and returns the jar folder. */
export function assembleConnect(): string {
  const run = spawnSync('bash', [resolve(import.meta.dirname, 'assemble.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (run.status !== 0) throw new Error('bench/peer-connect/assemble.sh failed; see the lines above');
  return run.stdout.trim();
}

export interface ConnectRun {
  /** Bootstrap servers of the broker the topic is on. */
  bootstrap: string;
  topic: string;
  table: string;
  /** jdbc:postgresql://… URL, user and password of the database. */
  jdbcUrl: string;
  user: string;
  password: string;
  tasks: number;
  /** Debezium's dialect.postgres.unnest.insert.enabled: one INSERT … SELECT FROM unnest(…) per batch. */
  unnest: boolean;
  /** Where the configuration, offsets and log go (one folder per run). */
  dir: string;
  port: number;
}

/** Writes worker.properties, connector.properties and log4j2.properties into run.dir. */
export function writeConnectConfig(run: ConnectRun): { worker: string; connector: string; log: string } {
  const worker = join(run.dir, 'worker.properties');
  const connector = join(run.dir, 'connector.properties');
  const log4j = join(run.dir, 'log4j2.properties');
  writeFileSync(
    worker,
    [
      `bootstrap.servers=${run.bootstrap}`,
      // Keys are the natural-key strings; values are JsonConverter envelopes (schema + payload): the
      // Debezium sink needs a schema to know the columns, and plain JSON has none.
      'key.converter=org.apache.kafka.connect.storage.StringConverter',
      'value.converter=org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable=true',
      `offset.storage.file.filename=${join(run.dir, 'offsets')}`,
      'offset.flush.interval.ms=10000',
      // Everything is on one class path: find the connector by ServiceLoader, no plugin.path scan.
      'plugin.discovery=service_load',
      `listeners=http://127.0.0.1:${run.port}`,
      // A sink's consumer group is new each run (the connector's name is): read the topic from its start.
      'consumer.auto.offset.reset=earliest',
      '',
    ].join('\n'),
  );
  writeFileSync(
    connector,
    [
      `name=${run.table}`,
      'connector.class=io.debezium.connector.jdbc.JdbcSinkConnector',
      `tasks.max=${run.tasks}`,
      `topics=${run.topic}`,
      `connection.url=${run.jdbcUrl}`,
      `connection.username=${run.user}`,
      `connection.password=${run.password}`,
      // The same semantics as ours: upsert on the natural key into a table of the same shape.
      'insert.mode=upsert',
      'primary.key.mode=record_value',
      'primary.key.fields=symbol,interval,open_time',
      'schema.evolution=none',
      `table.name.format=${run.table}`,
      'quote.identifiers=true',
      'database.time_zone=UTC',
      `dialect.postgres.unnest.insert.enabled=${run.unnest}`,
      '',
    ].join('\n'),
  );
  writeFileSync(
    log4j,
    [
      'status = warn',
      'appender.out.type = Console',
      'appender.out.name = OUT',
      'appender.out.layout.type = PatternLayout',
      'appender.out.layout.pattern = [%d] %p %m (%c)%n',
      'rootLogger.level = WARN',
      'rootLogger.appenderRef.out.ref = OUT',
      // Connect's own start-up and task errors stay visible in the log.
      'logger.connect.name = org.apache.kafka.connect.runtime',
      'logger.connect.level = INFO',
      '',
    ].join('\n'),
  );
  return { worker, connector, log: join(run.dir, 'connect.log') };
}

/** Starts ConnectStandalone; the child's pid is the JVM's (no shell in between), so /proc tells its CPU. */
export function startConnect(
  libs: string,
  files: { worker: string; connector: string },
  dir: string,
): ChildProcess {
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin/java') : 'java';
  const log = join(dir, 'connect.log');
  writeFileSync(log, '');
  const child = spawn(
    java,
    [
      '-Xms256m',
      '-Xmx1g',
      '-XX:+ExitOnOutOfMemoryError',
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${join(dir, 'log4j2.properties')}`,
      '-cp',
      `${libs}/*`,
      'org.apache.kafka.connect.cli.ConnectStandalone',
      files.worker,
      files.connector,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (chunk: Buffer) => writeFileSync(log, chunk, { flag: 'a' }));
  child.stderr?.on('data', (chunk: Buffer) => writeFileSync(log, chunk, { flag: 'a' }));
  return child;
}

/** utime + stime of a live process in seconds (all its threads); undefined once it is gone. */
export function processCpu(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** SIGTERM, then SIGKILL if the JVM has not exited within 20 s. */
export async function stopConnect(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

/** The last lines of Connect's log, for an error message. */
export function connectLogTail(dir: string, lines = 40): string {
  try {
    return readFileSync(join(dir, 'connect.log'), 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
