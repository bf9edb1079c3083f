import type { SqlExecutor } from '../../src/store/index.ts';

/**
 * Writes a small graph in the tables tableGraphReader reads (C_nodes, C_edges): two clusters of
 * `perCluster` windows each, densely linked inside and joined by one edge, so Louvain finds two
 * communities. Until graph-builder's store lands this is how the dashboard's graph page gets a graph.
 */
export async function writeFixtureGraph(sql: SqlExecutor, name: string, perCluster = 12): Promise<void> {
  await sql.query(
    `create table "${name}_nodes" (idx int primary key, open_time bigint not null, close float8 not null)`,
  );
  await sql.query(
    `create table "${name}_edges" (source int not null, target int not null, weight real not null, kind smallint not null)`,
  );
  const n = perCluster * 2;
  const t0 = Date.UTC(2024, 5, 1);
  await sql.query(
    `insert into "${name}_nodes" select i, $1::bigint + i * 300000, 100 + (i / $2) * 10 + (i % 3) from generate_series(0, $3) i`,
    [t0, perCluster, n - 1],
  );
  const edges: [number, number, number, number][] = [];
  for (let c = 0; c < 2; c += 1) {
    const base = c * perCluster;
    for (let i = 0; i < perCluster; i += 1) {
      for (let j = 0; j < i; j += 1) edges.push([base + i, base + j, 1, i === j + 1 ? 0 : 1]);
    }
  }
  edges.push([perCluster, perCluster - 1, 0.1, 0]);
  await sql.query(
    `insert into "${name}_edges" select * from unnest($1::int[], $2::int[], $3::real[], $4::smallint[])`,
    [edges.map((e) => e[0]), edges.map((e) => e[1]), edges.map((e) => e[2]), edges.map((e) => e[3])],
  );
}
