/**
 * A stream read ahead into memory up to a cap, so a producer (git) keeps working before its output is
 * consumed: the next patch pass runs on the second core while this one's lines are scanned. Past the
 * cap the stream is paused (git blocks on its pipe): memory stays bounded by the cap, not the output.
 */
import type { Readable } from 'node:stream';

export function readAhead(stream: Readable, cap: number): AsyncIterable<Buffer> {
  const chunks: Buffer[] = [];
  let buffered = 0;
  let ended = false;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  // `readable` and read(), not `data`: git-runner watches `readable` for activity, and a `readable`
  // listener makes `data` flow only on read(). Not reading past the cap is what blocks git.
  const pull = () => {
    const next = () => (buffered < cap ? (stream.read() as Buffer | null) : null);
    for (let chunk = next(); chunk; chunk = next()) {
      chunks.push(chunk);
      buffered += chunk.length;
    }
    notify();
  };
  stream.on('readable', pull);
  stream.on('end', () => {
    ended = true;
    notify();
  });
  stream.on('error', (error: unknown) => {
    failure = { error };
    notify();
  });
  return {
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const chunk = chunks.shift();
        if (chunk) {
          buffered -= chunk.length;
          if (buffered < cap) pull();
          yield chunk;
        } else if (failure) throw failure.error;
        else if (ended) return;
        else await new Promise<void>((resolveWait) => (wake = resolveWait));
      }
    },
  };
}
