// The real broker and PostgreSQL for one test file, and what its tests made there (topics, tables,
// schemas, processes), undone when the file is done: tests share both servers with every other file.
import { KafkaBus } from '../../src/bus/index.ts';
import type { PostgresClient } from '../../src/store/index.ts';
import { createUniqueTopic, deadLetterTopic, testKafka } from './kafka.ts';
import { openTestDatabase } from './postgres.ts';

export class TestBackends {
  /** A bus on the first listener of the test broker (see testKafka). */
  readonly bus: KafkaBus;
  /** A client on TEST_DATABASE_URL. */
  readonly db: PostgresClient;
  readonly #undo: (() => Promise<unknown>)[] = [];

  /** Use open(): it connects both first. */
  constructor(bus: KafkaBus, db: PostgresClient) {
    this.bus = bus;
    this.db = db;
  }

  /** Connects to both servers, so that a missing one fails the file at once and says which. */
  static async open(): Promise<TestBackends> {
    const bus = new KafkaBus(testKafka().options);
    try {
      await bus.connect();
      return new TestBackends(bus, await openTestDatabase());
    } catch (error) {
      await bus.close();
      throw error;
    }
  }

  /**
   * Runs `undo` on close(), the last deferred first (a process before the schema it writes to). One
   * that fails does not stop the others: a test that failed half-way leaves some things not there.
   */
  defer(undo: () => Promise<unknown>): void {
    this.#undo.push(undo);
  }

  /** A topic of its own (createUniqueTopic); it and its dead-letter topic are deleted on close(). */
  async topic(prefix: string, partitions = 1): Promise<string> {
    const topic = await createUniqueTopic(this.bus, prefix, partitions);
    this.defer(() => this.bus.deleteTopics([topic, deadLetterTopic(topic)]));
    return topic;
  }

  /** Undoes what was deferred, then closes both connections. */
  async close(): Promise<void> {
    for (const undo of this.#undo.splice(0).reverse()) await undo().catch(() => undefined);
    await this.db.close();
    await this.bus.close();
  }
}
