import { describe, expect, it } from 'vitest';
import { KeyedMutex } from '../src/runtime/keyed-mutex.js';

const tick = () => new Promise<void>((r) => setTimeout(r, 1));

describe('KeyedMutex', () => {
  it('runs work on one key one at a time, in arrival order', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    let inside = 0;
    const job = (name: string) =>
      mutex.run('m1', async () => {
        inside++;
        expect(inside).toBe(1);
        log.push(`start ${name}`);
        await tick();
        log.push(`end ${name}`);
        inside--;
        return name;
      });
    expect(await Promise.all([job('a'), job('b'), job('c')])).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });

  it('lets different keys run side by side', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    const job = (key: string) =>
      mutex.run(key, async () => {
        log.push(`start ${key}`);
        await tick();
        log.push(`end ${key}`);
      });
    await Promise.all([job('m1'), job('m2')]);
    expect(log.slice(0, 2).sort()).toEqual(['start m1', 'start m2']);
  });

  it('passes the key on when work fails, and frees it afterwards', async () => {
    const mutex = new KeyedMutex();
    const failing = mutex.run('m1', async () => {
      await tick();
      throw new Error('boom');
    });
    const next = mutex.run('m1', async () => 'ran');
    await expect(failing).rejects.toThrow('boom');
    expect(await next).toBe('ran');
    expect(await mutex.run('m1', async () => 'again')).toBe('again');
  });

  it('holds a key taken by tryLock against run until unlock, across awaits once kept', async () => {
    const mutex = new KeyedMutex();
    const log: string[] = [];
    expect(mutex.tryLock('m1')).toBe(true);
    expect(mutex.tryLock('m1')).toBe(false);
    // work that comes while the key is held synchronously waits for it
    const waiting = mutex.run('m1', async () => {
      log.push('waiter');
    });
    const other = mutex.run('m2', async () => {
      log.push('other key');
    });
    mutex.keep('m1'); // the holder is about to await
    await tick();
    expect(log).toEqual(['other key']);
    expect(mutex.tryLock('m1')).toBe(false);
    mutex.unlock('m1');
    await Promise.all([waiting, other]);
    expect(log).toEqual(['other key', 'waiter']);
    // all free again
    expect(mutex.tryLock('m1')).toBe(true);
    mutex.unlock('m1');
    expect(await mutex.run('m1', async () => 'free')).toBe('free');
  });
});
