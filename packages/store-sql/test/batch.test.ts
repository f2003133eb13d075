import { expect, it } from 'vitest';
import { Coalescer, distinctParts, Failed } from '../src/batch.js';

it('sends calls made together as one batch, and those made while it runs as the next one', async () => {
  const batches: number[][] = [];
  let release: () => void = () => {};
  const c = new Coalescer<number, number>(
    async (keys) => {
      batches.push(keys);
      if (batches.length === 1) await new Promise<void>((r) => (release = r));
      return keys.map((k) => k * 10);
    },
    1,
    100,
  );
  const first = [1, 2, 3].map((k) => c.call(k));
  await new Promise((r) => setImmediate(r));
  // the first batch is running: these wait, then go together
  const second = [4, 5].map((k) => c.call(k));
  await new Promise((r) => setImmediate(r));
  expect(batches).toEqual([[1, 2, 3]]);
  release();
  expect(await Promise.all([...first, ...second])).toEqual([10, 20, 30, 40, 50]);
  expect(batches).toEqual([
    [1, 2, 3],
    [4, 5],
  ]);
});

it('rejects the calls a batch answers with Failed, and only those', async () => {
  const c = new Coalescer<number, string>(
    async (keys) => keys.map((k) => (k === 2 ? new Failed(new Error('two failed')) : `ok ${k}`)),
    2,
    10,
  );
  const results = await Promise.allSettled([1, 2, 3].map((k) => c.call(k)));
  expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
    'ok 1',
    'two failed',
    'ok 3',
  ]);
});

it('splits a batch so that no part holds one key twice, first occurrences first', () => {
  expect(distinctParts(['a', 'b', 'a', 'c', 'a', 'b'], (x) => x)).toEqual([
    ['a', 'b', 'c'],
    ['a', 'b'],
    ['a'],
  ]);
});
