// WORKER's computations against known figures of the sphere, and how a task reports and stops.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EARTH_RADIUS_M, haversineM, runTask } from '../../../src/services/geobot/index.ts';

const near = (actual: number, expected: number, relative = 1e-6) =>
  assert.ok(Math.abs(actual / expected - 1) < relative, `${actual} ≈ ${expected}`);

describe('geobot geometry', () => {
  it('measures great circles: a degree of the equator, a quarter meridian', () => {
    near(haversineM({ lat: 0, lon: 0 }, { lat: 0, lon: 1 }), (2 * Math.PI * EARTH_RADIUS_M) / 360);
    near(haversineM({ lat: 0, lon: 0 }, { lat: 90, lon: 0 }), (Math.PI * EARTH_RADIUS_M) / 2);
    // Across the antimeridian the short way: 179°E to 179°W is 2°.
    near(haversineM({ lat: 0, lon: 179 }, { lat: 0, lon: -179 }), (2 * Math.PI * EARTH_RADIUS_M) / 180);
  });

  it('route_length sums the legs and reports progress in steps up to 100 %', async () => {
    const points = Array.from({ length: 101 }, (_, i) => ({ lat: 0, lon: i * 0.01 }));
    const seen: number[] = [];
    const result = await runTask(
      { type: 'route_length', points },
      { steps: 5, onProgress: (p) => Promise.resolve(void seen.push(p.done / p.total)) },
    );
    assert.ok('distance_m' in result);
    near(result.distance_m, (2 * Math.PI * EARTH_RADIUS_M) / 360, 1e-6);
    assert.equal(result.segments, 100);
    assert.deepEqual(result.bbox, { min_lat: 0, min_lon: 0, max_lat: 0, max_lon: 1 });
    assert.deepEqual(seen, [0.2, 0.4, 0.6, 0.8, 1]);
  });

  it('polygon_area: an octant of the sphere is 1/8 of its surface, whichever way round', async () => {
    const octant = [
      { lat: 0, lon: 0 },
      { lat: 0, lon: 90 },
      { lat: 90, lon: 0 },
    ];
    const surface = 4 * Math.PI * EARTH_RADIUS_M ** 2;
    for (const points of [octant, [...octant].reverse()]) {
      const result = await runTask({ type: 'polygon_area', points });
      assert.ok('area_m2' in result);
      near(result.area_m2, surface / 8, 1e-9);
      near(result.perimeter_m, 3 * ((Math.PI * EARTH_RADIUS_M) / 2), 1e-9);
      assert.equal(result.vertices, 3);
    }
  });

  it('stops between steps when aborted', async () => {
    const controller = new AbortController();
    const points = Array.from({ length: 50 }, (_, i) => ({ lat: i, lon: 0 }));
    await assert.rejects(
      runTask(
        { type: 'route_length', points },
        {
          steps: 10,
          signal: controller.signal,
          onProgress: (p) => {
            if (p.done >= 10) controller.abort(new Error('stop now'));
            return Promise.resolve();
          },
        },
      ),
      /stop now/,
    );
  });
});
