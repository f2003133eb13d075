/**
 * The fake channel in a process of its own (`startReceiverProcess`): the instant a POST arrives is
 * then read by a process that does nothing else, as a provider's clock would be — in the test's
 * process it was late whenever the test itself was busy, which bunched POSTs in the record.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Post, type Receiver, startReceiver } from './receiver.js';

type FromChild =
  | { type: 'ready'; url: string }
  | { type: 'posts'; posts: Post[]; repeats: number; refused: number };

const SELF = fileURLToPath(import.meta.url);

export async function startReceiverProcess(options: { failEvery?: number } = {}): Promise<Receiver> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', SELF, '--receiver-child'], {
    env: { ...process.env, FAIL_EVERY: String(options.failEvery ?? '') },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const posts: Post[] = [];
  const messages = new Map<string, Post>();
  const counts = { repeats: 0, refused: 0 };
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`the receiver process exited (${code}) before it listened`)),
    );
    child.on('message', (m: FromChild) => {
      if (m.type === 'ready') resolve(m.url);
      else {
        for (const p of m.posts) {
          posts.push(p);
          if (!messages.has(p.key)) messages.set(p.key, p);
        }
        counts.repeats = m.repeats;
        counts.refused = m.refused;
      }
    });
  });
  return {
    url,
    posts,
    messages,
    get repeats() {
      return counts.repeats;
    },
    get refused() {
      return counts.refused;
    },
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The child: the receiver, reporting what it saw to the parent every 50 ms. */
async function runChild(): Promise<void> {
  const failEvery = Number(process.env.FAIL_EVERY);
  const receiver = await startReceiver(Number.isInteger(failEvery) && failEvery > 0 ? { failEvery } : {});
  let sent = 0;
  const flush = () => {
    if (sent === receiver.posts.length) return;
    const fresh = receiver.posts.slice(sent);
    sent = receiver.posts.length;
    process.send?.({ type: 'posts', posts: fresh, repeats: receiver.repeats, refused: receiver.refused });
  };
  const timer = setInterval(flush, 50);
  process.send?.({ type: 'ready', url: receiver.url });
  process.on('SIGTERM', async () => {
    clearInterval(timer);
    await receiver.close();
    process.exit(0);
  });
}

if (process.argv.includes('--receiver-child')) await runChild();
